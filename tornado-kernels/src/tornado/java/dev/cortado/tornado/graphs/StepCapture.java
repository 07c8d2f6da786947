package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Storage;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.graphs.StepPlan.Binding;
import dev.cortado.tornado.graphs.StepPlan.Kind;
import dev.cortado.tornado.graphs.StepPlan.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;

/**
 * Captures training steps ({@code Backend.step}) and replays them as one {@link StepPlan}, so that parameters,
 * optimiser moments and activations stay on the device and a step moves only its new inputs in and what the
 * host reads out.
 * <pre>
 *   step 1, 2:  every call runs at once, op by op, and is recorded (op, attributes, operand layouts, which
 *               storage each operand is in, numbered by first appearance)
 *               two equal recordings ──▶ StepPlan (resident = the same storage in both)
 *   step 3 …:   each call is checked against the plan and bound (its storages get the plan's buffers as their
 *               device mirrors); nothing runs until the host needs a value (a read, a host call, the step's
 *               end), then the plan's graphs up to that point run
 * </pre>
 * A replay that cannot go on (another call, another layout, another parameter, a host read where no graph
 * ends) leaves the plan: values the device computed are downloaded, the calls bound so far run op by op, and
 * the step finishes that way; a read position is learnt, so the next plan ends a graph there. Tensors computed
 * inside a replayed step stay readable until the next step starts (the plan reuses their buffers then), as
 * with CUDA graphs' static outputs; reading one later throws {@link IllegalStateException}.
 *
 * <p>One thread at a time runs a step; calls from other threads, and calls outside a step, run op by op.
 */
public final class StepCapture {
    private static final AtomicLong PLANS = new AtomicLong();

    private final TornadoDevice device;
    private final Backend cpu;
    private final Transfers transfers;
    private final boolean strict;
    private final Function<Throwable, String> describe;

    private Thread stepThread;
    private boolean eagerNow;
    private boolean leaving;
    private boolean disabled;
    private long stepId;

    // The current step.
    private final List<StepCall> calls = new ArrayList<>();
    private final List<int[]> slotNumbers = new ArrayList<>();
    private final List<Object> signatures = new ArrayList<>();
    private final Map<Storage, Integer> numbering = new IdentityHashMap<>();
    private final List<Storage> storages = new ArrayList<>();
    private final List<Tensor> firstTensors = new ArrayList<>();
    private final List<Binding> stepBindings = new ArrayList<>();
    private Binding[] bound;

    // The step before, and what earlier replays taught.
    private List<Object> previousSignatures;
    private List<Storage> previousStorages;
    private final Set<Integer> boundaries = new HashSet<>();
    private List<Object> unplannable;

    private StepPlan plan;
    private List<Object> planSignatures;
    private boolean replaying;
    private int position;
    private int nextGraph;

    /** Whether this step left its plan without learning a boundary (a rebuild would leave it again). */
    private boolean leftUnlearnt;
    private int plansBuilt;
    private int stepsReplayed;
    private int stepsLeft;

    /**
     * @param describe the one-line description of a device failure, for the message printed before the steps
     *                 continue op by op
     */
    public StepCapture(TornadoDevice device, Backend cpu, Transfers transfers, boolean strict,
                       Function<Throwable, String> describe) {
        this.device = device;
        this.cpu = cpu;
        this.transfers = transfers;
        this.strict = strict;
        this.describe = describe;
    }

    /** Counts of what the capture did: plans built, steps replayed in full, steps that left their plan. */
    public record Stats(int plansBuilt, int stepsReplayed, int stepsLeft, String plan) {
    }

    public Stats stats() {
        return new Stats(plansBuilt, stepsReplayed, stepsLeft, plan == null ? "none" : plan.summary());
    }

    /** Whether a step plan holds {@code tensor}'s storage (its current values may be on the device only). */
    public static boolean held(Tensor tensor) {
        return tensor.storage().mirror() instanceof Binding;
    }

    /** Runs one step, recording or replaying its calls (a nested step, or one after a device failure, just runs). */
    public <T> T step(Supplier<T> body) {
        if (stepThread != null || disabled) {
            return body.get();
        }
        stepThread = Thread.currentThread();
        boolean finished = false;
        try {
            beginStep();
            T result = body.get();
            endStep();
            finished = true;
            return result;
        } finally {
            if (!finished) {
                abandonStep();
            }
            stepThread = null;
        }
    }

    /** Runs a backend call now, or records, or binds it for the plan, as the current step requires. */
    public void run(StepCall call) {
        if (Thread.currentThread() != stepThread || eagerNow || leaving) {
            call.eager().run();
            return;
        }
        int[] numbers = number(call);
        Object signature = signature(call, numbers);
        if (replaying && !replay(call, numbers, signature) && replaying) {
            leavePlan(); // unless replay already left it (a graph that failed while flushing)
        }
        if (!replaying) {
            append(call, numbers, signature);
            runEager(call);
        }
    }

    private void beginStep() {
        stepId++;
        calls.clear();
        slotNumbers.clear();
        signatures.clear();
        numbering.clear();
        storages.clear();
        firstTensors.clear();
        stepBindings.clear();
        position = 0;
        leftUnlearnt = false;
        replaying = plan != null;
        if (!replaying) {
            return;
        }
        bound = new Binding[plan.slots.length];
        nextGraph = plan.hasUploadGraph() ? 1 : 0;
        boolean stale = false;
        for (Slot slot : plan.slots) {
            if (slot.resident != null) {
                slot.resident.lastWriteCall = -1; // the last step's writes have all run
                stale |= slot.resident.storage.deviceStale();
            }
        }
        if (stale) {
            // The host wrote a parameter or moment (a checkpoint load, a host step): upload all resident slots.
            for (Slot slot : plan.slots) {
                if (slot.resident != null) {
                    slot.resident.storage.syncToHost();
                    plan.stage(slot, slot.resident.host);
                    slot.resident.storage.markDeviceCurrent();
                }
            }
            executeGraph(0);
        }
    }

    private void endStep() {
        if (replaying && position != plan.callCount) {
            leavePlan(); // the step made fewer calls than the plan has
        }
        if (replaying && flushTo(position)) {
            stepsReplayed++;
            return;
        }
        if (disabled) {
            return;
        }
        if (leftUnlearnt && signatures.equals(planSignatures)) {
            // The same calls, yet the replay could not go on (the host wrote a resident storage mid-step, say):
            // building the plan again would only be left again, so this sequence runs op by op from now on.
            unplannable = List.copyOf(signatures);
            System.err.println("cortado: tornado step capture: a replayed step left its plan for a reason a new plan "
                    + "cannot avoid; these steps run op by op");
        }
        if (previousSignatures != null && previousSignatures.equals(signatures) && !signatures.equals(unplannable)) {
            buildPlan();
        }
        previousSignatures = List.copyOf(signatures);
        previousStorages = List.copyOf(storages);
    }

    private void abandonStep() {
        if (replaying) {
            try {
                leavePlan();
            } catch (RuntimeException | Error e) {
                // The step already failed; its own exception is the one to report.
            }
        }
        previousSignatures = null;
        previousStorages = null;
    }

    private void buildPlan() {
        boolean[] same = new boolean[storages.size()];
        for (int s = 0; s < same.length; s++) {
            same[s] = s < previousStorages.size() && previousStorages.get(s) == storages.get(s);
        }
        try {
            plan = StepPlan.build(device, cpu, transfers, List.copyOf(calls), slotNumbers.toArray(int[][]::new),
                    storages.toArray(Storage[]::new), same, Set.copyOf(boundaries), PLANS.incrementAndGet());
        } catch (StepPlan.UnplannableException e) {
            unplannable = List.copyOf(signatures);
            System.err.println("cortado: tornado step capture: " + e.getMessage() + "; this step runs op by op");
            return;
        }
        planSignatures = List.copyOf(signatures);
        plansBuilt++;
        for (Slot slot : plan.slots) {
            if (slot.kind == Kind.RESIDENT) {
                Tensor tensor = firstTensors.get(slot.number);
                Storage storage = tensor.storage();
                if (storage.mirror() instanceof ResidentArray resident) {
                    resident.owner().close(); // the per-parameter AdamW graph of the op-by-op steps
                }
                slot.resident = new Binding(this, slot, tensor, -1);
                storage.attachMirror(slot.resident);
            }
        }
    }

    /** Checks one call against the plan and binds it; false when the replay cannot go on. */
    private boolean replay(StepCall call, int[] numbers, Object signature) {
        int i = position;
        if (i >= plan.callCount || !signature.equals(planSignatures.get(i))) {
            return false;
        }
        for (int k = 0; k < numbers.length; k++) {
            Slot slot = numbers[k] < 0 ? null : plan.slots[numbers[k]];
            if (slot != null && slot.resident != null
                    && (slot.resident.storage != call.operands()[k].storage() || slot.resident.storage.deviceStale())) {
                return false; // another parameter, or one the host wrote during the step
            }
        }
        if (!call.onDevice()) {
            if (!flushTo(i)) {
                return false;
            }
            append(call, numbers, signature);
            runEager(call);
            return true;
        }
        try {
            for (var stager : plan.stagers.get(i)) {
                stager.accept(call);
            }
        } catch (RuntimeException e) {
            return false; // an index out of range, say: the call runs op by op and reports it
        }
        for (int k = 0; k < numbers.length; k++) {
            if (numbers[k] < 0 || plan.slots[numbers[k]].kind == Kind.HOST) {
                continue;
            }
            Slot slot = plan.slots[numbers[k]];
            Binding binding = slot.resident != null ? slot.resident : bound[slot.number];
            Storage storage = call.operands()[k].storage();
            if (binding == null) {
                if (storage.mirror() != null) {
                    return false; // a storage another plan or step still holds
                }
                binding = new Binding(this, slot, call.operands()[k], stepId);
                storage.attachMirror(binding);
                storage.markDeviceCurrent();
                bound[slot.number] = binding;
                stepBindings.add(binding);
            }
        }
        for (int k = 0; k < numbers.length; k++) {
            if (numbers[k] >= 0 && plan.slots[numbers[k]].kind != Kind.HOST
                    && call.access()[k] != StepCall.Access.READ) {
                Slot slot = plan.slots[numbers[k]];
                Binding binding = slot.resident != null ? slot.resident : bound[slot.number];
                if (binding.lastWriteCall != i) {
                    binding.storage.markDeviceWritten();
                    binding.lastWriteCall = i;
                }
            }
        }
        append(call, numbers, signature);
        return true;
    }

    /** Runs the plan's graphs whose calls all come before {@code end}; false if the plan had to be left. */
    private boolean flushTo(int end) {
        while (replaying && nextGraph < plan.graphCount() && plan.graphEndCall(nextGraph) <= end) {
            if (!executeGraph(nextGraph)) {
                return false;
            }
            nextGraph++;
        }
        return replaying;
    }

    private boolean executeGraph(int g) {
        try {
            plan.execute(g, stepId);
            return true;
        } catch (RuntimeException | TornadoInternalError e) {
            // TornadoInternalError (an Error): TornadoVM gave up, e.g. on a graph over its 1,024-node limit.
            if (strict) {
                throw new IllegalStateException("tornado: graph " + g + " of a step plan failed: " + describe.apply(e), e);
            }
            System.err.println("cortado: tornado step plan failed (" + describe.apply(e)
                    + "); training steps run op by op from now on");
            disabled = true;
            leavePlan();
            return false;
        }
    }

    /** A bound storage's host copy is read: its values come from the plan, or the step leaves the plan. */
    void hostRead(Binding binding) {
        if (binding.step >= 0 && binding.step != stepId) {
            throw new IllegalStateException("tornado: this tensor was computed inside captured training step "
                    + binding.step + ", whose device buffer step " + stepId + " has reused; read or copy it within "
                    + "its own step");
        }
        if (binding.released) {
            throw new IllegalStateException("tornado: this tensor was computed inside a captured training step that "
                    + "left its plan after the device buffer was released; read it inside the step");
        }
        if (binding.hostOwned || leaving) {
            return;
        }
        if (replaying && binding.lastWriteCall >= 0 && plan.callGraph[binding.lastWriteCall] >= nextGraph) {
            if (!flushTo(position)) {
                return; // the plan was left: the host computed the value
            }
            if (plan.callGraph[binding.lastWriteCall] >= nextGraph) {
                boundaries.add(position); // no graph ends here yet: the next plan will end one here
                leavePlan();
                leftUnlearnt = false;
                return;
            }
        }
        if (binding.slot.lastExecutedWriter >= 0) {
            plan.download(binding.slot, binding.host, replaying ? nextGraph : plan.graphCount());
        }
    }

    /**
     * Leaves the plan for the rest of this step: downloads what the device computed, hands every bound storage
     * back to the host, runs the bound calls whose graphs did not run yet op by op, and releases the plan.
     */
    private void leavePlan() {
        stepsLeft++;
        leftUnlearnt = true;
        leaving = true;
        try {
            List<Binding> all = new ArrayList<>(stepBindings);
            for (Slot slot : plan.slots) {
                if (slot.resident != null) {
                    all.add(slot.resident);
                }
            }
            for (Binding binding : all) {
                if (!binding.slot.keptToEnd && binding.slot.writtenInStep == stepId && nextGraph > binding.slot.lastGraph + 1) {
                    binding.released = true; // its buffer is gone: a later host read must fail, not see stale values
                    continue;
                }
                boolean computedHere = binding.slot.writtenInStep == stepId || binding.step < 0;
                if (computedHere && binding.slot.lastExecutedWriter >= 0 && !binding.storage.deviceStale()) {
                    plan.download(binding.slot, binding.host, replaying ? nextGraph : plan.graphCount());
                }
                binding.hostOwned = true;
                binding.storage.detachMirror();
            }
            eagerNow = true;
            try {
                for (int i = 0; i < position; i++) {
                    if (plan.callGraph[i] >= nextGraph) {
                        calls.get(i).eager().run();
                    }
                }
            } finally {
                eagerNow = false;
            }
            plan.close();
        } finally {
            plan = null;
            replaying = false;
            leaving = false;
        }
    }

    private void runEager(StepCall call) {
        eagerNow = true;
        try {
            call.eager().run();
        } finally {
            eagerNow = false;
        }
    }

    private void append(StepCall call, int[] numbers, Object signature) {
        calls.add(call);
        slotNumbers.add(numbers);
        signatures.add(signature);
        position++;
    }

    /** Numbers the call's storages by first appearance in this step. */
    private int[] number(StepCall call) {
        int[] numbers = new int[call.operands().length];
        for (int k = 0; k < numbers.length; k++) {
            Tensor t = call.operands()[k];
            if (t == null) {
                numbers[k] = -1;
                continue;
            }
            Integer number = numbering.get(t.storage());
            if (number == null) {
                number = storages.size();
                numbering.put(t.storage(), number);
                storages.add(t.storage());
                firstTensors.add(t);
            }
            numbers[k] = number;
        }
        return numbers;
    }

    private record OperandKey(int slot, DType dtype, int offset, List<Integer> shape, List<Integer> strides,
                              StepCall.Access access) {
    }

    /** What must be equal for a replayed call to match the plan's. */
    private static Object signature(StepCall call, int[] numbers) {
        List<Object> parts = new ArrayList<>(2 + numbers.length);
        parts.add(call.op());
        parts.add(call.attributes());
        for (int k = 0; k < numbers.length; k++) {
            Tensor t = call.operands()[k];
            parts.add(t == null ? List.of() : new OperandKey(numbers[k], t.dtype(), t.offset(),
                    Arrays.stream(t.shape()).boxed().toList(), Arrays.stream(t.strides()).boxed().toList(),
                    call.access()[k]));
        }
        return parts;
    }
}
