package dev.cortado.tornado.graphs;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.DeviceMirror;
import dev.cortado.tensor.Storage;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backend;
import dev.cortado.tornado.kernels.CopyKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device program of one captured training step: every device call of the step, in order, as tasks of a
 * few task graphs of one TornadoVM execution plan, with one device buffer per storage the step touches
 * (a <em>slot</em>). Built once from a recorded step ({@link StepCapture}) and executed graph by graph in every
 * replayed step:
 * <pre>
 *   graph 0 (upload):  resident slots (parameters, moments) host → device, only when the host wrote one
 *   graph 1 … G:       the step's kernels; each consumes the slots of the graph before and persists them
 * </pre>
 * A graph ends before a host call, where the host read a value mid-step in an earlier replay, and after
 * {@link #TASKS_PER_GRAPH} tasks (TornadoVM 5.2.1 takes at most 256 per graph). Slots:
 * <ul>
 *   <li>RESIDENT: the same storage in both recorded steps (parameters, optimiser moments, a batch tensor the
 *       caller reuses): uploaded by graph 0 when stale, kept on the device across steps;</li>
 *   <li>INPUT: first read by a device call, a new storage each step (the batch, a constant made on the host):
 *       its host values are staged when that call is replayed and uploaded by its graph;</li>
 *   <li>INTERMEDIATE: first written in full by a device call (activations, gradients): never uploaded;</li>
 *   <li>HOST: touched only by host calls, or int data (indices are staged per call).</li>
 * </ul>
 * A graph consumes from the graph before, and persists, the slots that live through it (resident slots, and
 * slots made earlier and used here or later); it lets the host fetch every slot it writes ({@code UNDER_DEMAND}),
 * so a host read after its writer downloads exactly that storage.
 */
public final class StepPlan implements AutoCloseable {
    /**
     * Tasks per graph. TornadoVM 5.2.1 takes at most 256 tasks and 1,024 nodes (tasks, buffers and their
     * transfers) per graph, and every graph carries the buffers that live through it.
     */
    static final int TASKS_PER_GRAPH = 64;
    /** Slots of at most this many floats stay on the device until the step's last graph, readable after it. */
    static final int KEPT_TO_END_FLOATS = 4096;

    enum Kind { RESIDENT, INPUT, INTERMEDIATE, HOST }

    /** The device buffer of one storage of the step, numbered by first appearance in the step. */
    static final class Slot {
        final int number;
        final Kind kind;
        final FloatArray array;
        /** The call whose replay stages an INPUT slot's host values, -1 for other kinds. */
        int stagingCall = -1;
        int firstGraph = Integer.MAX_VALUE;
        int lastGraph = -1;
        /** Whether the host can read it after every graph has run (resident, or carried to the last graph). */
        boolean keptToEnd;
        /** The graph whose latest execution wrote this slot last; -1 before any. */
        int lastExecutedWriter = -1;
        /** The step in which an executed graph last wrote this slot. */
        long writtenInStep = -1;
        /** A resident slot's binding, for as long as the plan lives. */
        Binding resident;

        Slot(int number, Kind kind, int length) {
            this.number = number;
            this.kind = kind;
            this.array = kind == Kind.HOST ? null : new FloatArray(Math.max(1, length));
        }
    }

    /** Adds one task to a graph under the given unique id. */
    @FunctionalInterface
    public interface TaskAdder {
        void add(TaskGraph graph, String id);
    }

    private record TaskSpec(String id, TaskAdder adder, WorkerGrid grid) {
    }

    /** The tasks and transfers of one compute graph while the plan is being built. */
    private static final class Draft {
        final List<TaskSpec> tasks = new ArrayList<>();
        final List<Object> firstExecution = new ArrayList<>();
        final List<Object> everyExecution = new ArrayList<>();
        final BitSet slotsWritten = new BitSet();
        int endCall;
    }

    private final TornadoDevice device;
    private final Backend cpu;
    private final Transfers transfers;
    /** The recorded calls, while the plan is being built (their tensors are not kept after). */
    private List<StepCall> calls;
    final int callCount;
    final Slot[] slots;
    /** Slot numbers of each call's operands (-1 for a null operand). */
    final int[][] slotNumbers;
    /** Plan graph index of each call, -1 for a host call. */
    final int[] callGraph;
    /** Per plan graph: one past its last call (graph 0, the upload, covers none). */
    private int[] graphEndCall;
    /** Per call: what its replay stages (index buffers, AdamW's scalars, INPUT slots). */
    final List<List<Consumer<StepCall>>> stagers;
    private final boolean hasUploadGraph;
    private String[] stagingOps;
    private int tasks;
    private TornadoExecutionPlan plan;
    private final List<BitSet> graphWrites = new ArrayList<>();
    private TornadoExecutionResult[] results;

    private StepPlan(TornadoDevice device, Backend cpu, Transfers transfers, List<StepCall> calls, Slot[] slots,
                     int[][] slotNumbers) {
        this.device = device;
        this.cpu = cpu;
        this.transfers = transfers;
        this.calls = calls;
        this.callCount = calls.size();
        this.slots = slots;
        this.slotNumbers = slotNumbers;
        this.callGraph = new int[calls.size()];
        this.stagers = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            stagers.add(new ArrayList<>());
        }
        this.hasUploadGraph = Arrays.stream(slots).anyMatch(s -> s.kind == Kind.RESIDENT);
    }

    /** Why a recorded step cannot become a plan; the step then keeps running call by call. */
    static final class UnplannableException extends Exception {
        UnplannableException(String message) {
            super(message);
        }
    }

    /**
     * Builds the plan of a step recorded twice with the same calls: {@code sameStorage[s]} says whether slot s
     * was the same storage in both recordings (resident); {@code boundaries} are call positions where the host
     * read a value in an earlier replay. Nothing is compiled before the first execution.
     */
    static StepPlan build(TornadoDevice device, Backend cpu, Transfers transfers, List<StepCall> calls,
                          int[][] slotNumbers, Storage[] storages, boolean[] sameStorage, Set<Integer> boundaries,
                          long id) throws UnplannableException {
        Slot[] slots = classify(calls, slotNumbers, storages, sameStorage);
        StepPlan stepPlan = new StepPlan(device, cpu, transfers, calls, slots, slotNumbers);
        stepPlan.stagingOps = new String[slots.length];
        for (Slot slot : slots) {
            if (slot.kind == Kind.INPUT) {
                stepPlan.stagingOps[slot.number] = calls.get(slot.stagingCall).op() + " " + storages[slot.number].length();
            }
        }
        stepPlan.assemble(boundaries, storages, id);
        stepPlan.calls = null;
        return stepPlan;
    }

    private static Slot[] classify(List<StepCall> calls, int[][] slotNumbers, Storage[] storages, boolean[] sameStorage)
            throws UnplannableException {
        Kind[] kinds = new Kind[storages.length];
        int[] staging = new int[storages.length];
        for (int i = 0; i < calls.size(); i++) {
            StepCall call = calls.get(i);
            for (int k = 0; k < call.operands().length; k++) {
                int s = slotNumbers[i][k];
                if (s < 0) {
                    continue;
                }
                if (!call.onDevice()) {
                    if (kinds[s] != null && kinds[s] != Kind.HOST && call.access()[k] != StepCall.Access.READ) {
                        throw new UnplannableException("host call '" + call.op() + "' writes a storage that a device "
                                + "call of the step used before");
                    }
                } else if (storages[s].dtype() != DType.FLOAT32) {
                    kinds[s] = Kind.HOST; // int indices are staged per call
                } else if (kinds[s] == null) {
                    if (sameStorage[s]) {
                        kinds[s] = Kind.RESIDENT;
                    } else if (call.access()[k] == StepCall.Access.WRITE) {
                        kinds[s] = Kind.INTERMEDIATE;
                    } else {
                        kinds[s] = Kind.INPUT;
                        staging[s] = i;
                    }
                }
            }
        }
        Slot[] slots = new Slot[storages.length];
        for (int s = 0; s < slots.length; s++) {
            Kind kind = kinds[s] == null ? Kind.HOST : kinds[s];
            slots[s] = new Slot(s, kind, storages[s].length());
            slots[s].stagingCall = kind == Kind.INPUT ? staging[s] : -1;
        }
        return slots;
    }

    private void assemble(Set<Integer> boundaries, Storage[] storages, long id) throws UnplannableException {
        List<Draft> drafts = new ArrayList<>();
        Builder builder = new Builder(storages);
        Draft draft = null;
        int graphBase = hasUploadGraph ? 1 : 0;
        for (int i = 0; i < calls.size(); i++) {
            StepCall call = calls.get(i);
            if (!call.onDevice()) {
                callGraph[i] = -1;
                draft = null;
                continue;
            }
            if (draft == null || boundaries.contains(i) || draft.tasks.size() >= TASKS_PER_GRAPH) {
                draft = new Draft();
                drafts.add(draft);
            }
            int graph = graphBase + drafts.size() - 1;
            callGraph[i] = graph;
            builder.begin(i, draft, graph);
            call.emitter().emit(builder);
            draft.endCall = i + 1;
        }
        int graphCount = graphBase + drafts.size();
        for (Slot slot : slots) {
            // A buffer no later graph carries is released; small results (the loss, metrics, logits) are carried
            // to the end so that the host can read them after the step.
            slot.keptToEnd = slot.kind == Kind.RESIDENT;
            if (slot.array != null && slot.lastGraph >= 0 && slot.array.getSize() <= KEPT_TO_END_FLOATS) {
                slot.lastGraph = graphCount - 1;
                slot.keptToEnd = true;
            }
        }
        graphEndCall = new int[graphCount];
        results = new TornadoExecutionResult[graphCount];
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        GridScheduler grid = new GridScheduler();
        boolean anyGrid = false;
        String prefix = "step" + id + "_";
        List<Object> residents = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.kind == Kind.RESIDENT) {
                residents.add(slot.array);
            }
        }
        String previous = null;
        if (hasUploadGraph) {
            // A task that copies nothing: TornadoVM runs a graph's transfers around its tasks.
            IntArray nothing = new IntArray(CopyKernels.LAYOUT_SLOTS);
            FloatArray first = (FloatArray) residents.getFirst();
            previous = prefix + "upload";
            graphs.add(new TaskGraph(previous)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, residents.toArray())
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, nothing)
                    .task("upload", CopyKernels::stridedCopy, first, first, nothing)
                    .persistOnDevice(residents.toArray())
                    .snapshot());
            graphWrites.add(new BitSet());
        }
        for (int d = 0; d < drafts.size(); d++) {
            Draft current = drafts.get(d);
            int graphIndex = graphBase + d;
            String name = prefix + "g" + graphIndex;
            TaskGraph graph = new TaskGraph(name);
            // Slots that live into this graph (resident, or made earlier and used here or later), and out of it.
            BitSet carriedIn = new BitSet();
            BitSet carriedOut = new BitSet();
            for (Slot slot : slots) {
                if (slot.kind == Kind.RESIDENT) {
                    carriedIn.set(slot.number);
                    carriedOut.set(slot.number);
                } else if (slot.array != null && slot.lastGraph >= 0) {
                    if (slot.firstGraph < graphIndex && slot.lastGraph >= graphIndex) {
                        carriedIn.set(slot.number);
                    }
                    if (slot.firstGraph <= graphIndex && slot.lastGraph > graphIndex) {
                        carriedOut.set(slot.number);
                    }
                }
            }
            if (previous != null && !carriedIn.isEmpty()) {
                graph.consumeFromDevice(previous, arrays(carriedIn));
            }
            List<Object> firstExecution = new ArrayList<>(current.firstExecution);
            List<Object> everyExecution = new ArrayList<>(current.everyExecution);
            for (Slot slot : slots) {
                if (slot.kind != Kind.RESIDENT && slot.firstGraph == graphIndex) {
                    (slot.kind == Kind.INPUT ? everyExecution : firstExecution).add(slot.array);
                }
            }
            if (!firstExecution.isEmpty()) {
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, firstExecution.toArray());
            }
            if (!everyExecution.isEmpty()) {
                graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, everyExecution.toArray());
            }
            for (TaskSpec task : current.tasks) {
                tasks++;
                task.adder().add(graph, task.id());
                if (task.grid() != null) {
                    grid.addWorkerGrid(name + "." + task.id(), task.grid());
                    anyGrid = true;
                }
            }
            if (!current.slotsWritten.isEmpty()) {
                graph.transferToHost(DataTransferMode.UNDER_DEMAND, arrays(current.slotsWritten));
            }
            if (!carriedOut.isEmpty()) {
                graph.persistOnDevice(arrays(carriedOut));
            }
            graphs.add(graph.snapshot());
            graphWrites.add(current.slotsWritten);
            graphEndCall[graphIndex] = current.endCall;
            previous = name;
        }
        TornadoExecutionPlan executionPlan = new TornadoExecutionPlan(graphs.toArray(ImmutableTaskGraph[]::new))
                .withDevice(device);
        plan = anyGrid ? executionPlan.withGridScheduler(grid) : executionPlan;
    }

    private Object[] arrays(BitSet slotSet) {
        return slotSet.stream().mapToObj(s -> slots[s].array).toArray();
    }

    /**
     * What the plan holds: its graphs and tasks, and its slots by kind, with the ops whose replay stages each
     * INPUT slot (what a replayed step uploads besides int indices and AdamW's scalars).
     */
    String summary() {
        int[] counts = new int[Kind.values().length];
        List<String> inputs = new ArrayList<>();
        for (Slot slot : slots) {
            counts[slot.kind.ordinal()]++;
            if (slot.kind == Kind.INPUT) {
                inputs.add(stagingOps[slot.number]);
            }
        }
        return results.length + " graphs, " + tasks + " tasks; slots: " + counts[Kind.RESIDENT.ordinal()]
                + " resident, " + counts[Kind.INTERMEDIATE.ordinal()] + " intermediate, "
                + counts[Kind.HOST.ordinal()] + " host, " + counts[Kind.INPUT.ordinal()] + " input " + inputs;
    }

    int graphCount() {
        return results.length;
    }

    boolean hasUploadGraph() {
        return hasUploadGraph;
    }

    /** One past the last call of compute graph {@code g}. */
    int graphEndCall(int g) {
        return graphEndCall[g];
    }

    /** Runs graph {@code g} on the device (compiling it on its first execution) and records what it wrote. */
    void execute(int g, long step) {
        results[g] = plan.withGraph(g).execute();
        BitSet written = graphWrites.get(g);
        for (int s = written.nextSetBit(0); s >= 0; s = written.nextSetBit(s + 1)) {
            slots[s].lastExecutedWriter = g;
            slots[s].writtenInStep = step;
        }
    }

    /**
     * Copies a slot's device values, as its last executed writer left them, into the host array.
     *
     * @throws IllegalStateException when the slot's buffer was released after its last use in the step
     */
    void download(Slot slot, float[] host, int executedGraphs) {
        if (!slot.keptToEnd && executedGraphs > slot.lastGraph + 1) {
            throw new IllegalStateException("tornado: this tensor (" + host.length + " floats) was computed inside a "
                    + "captured training step and its device buffer was released after its last use in the step; "
                    + "read it inside the step, before later ops run, or run the step without capture");
        }
        results[slot.lastExecutedWriter].transferToHost(slot.array);
        MemorySegment.copy(slot.array.getSegment(), ValueLayout.JAVA_FLOAT, 0, host, 0, host.length);
        transfers.countDownload();
    }

    /** Copies host values into a slot's array, for the next upload of its graph. */
    void stage(Slot slot, float[] host) {
        MemorySegment.copy(host, 0, slot.array.getSegment(), ValueLayout.JAVA_FLOAT, 0, host.length);
        transfers.countUpload();
    }

    @Override
    public void close() {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("tornado: releasing a step plan's device memory failed: " + e.getMessage(), e);
        }
    }

    /** A slot bound to one storage: its device mirror while a step plan holds its current values. */
    static final class Binding implements DeviceMirror {
        final StepCapture capture;
        final Slot slot;
        final Storage storage;
        final float[] host;
        /** The replayed step that bound it; -1 for a resident slot. */
        final long step;
        /** Set when a step leaves its plan: the host computes this storage's values from then on. */
        boolean hostOwned;
        /** Set when a step leaves its plan after this slot's buffer was released: its values are lost. */
        boolean released;
        /** The last call of the step that writes it on the device, -1 before any. */
        int lastWriteCall = -1;

        Binding(StepCapture capture, Slot slot, Tensor tensor, long step) {
            this.capture = capture;
            this.slot = slot;
            this.storage = tensor.storage();
            this.host = tensor.floatData();
            this.step = step;
        }

        @Override
        public void syncToHost() {
            capture.hostRead(this);
        }

        @Override
        public String toString() {
            return "tornado step slot " + slot.number + " (" + slot.kind + ")";
        }
    }

    /**
     * What a call's {@link StepCall.Emitter} adds to the plan, with the buffers its operands' storages are in.
     * Views the kernels cannot read in place are made dense by a strided-copy task, and results for views are
     * written back by one.
     */
    public final class Builder {
        private final Storage[] storages;
        private final BitSet staged = new BitSet();
        private int call;
        private Draft draft;
        private int graph;
        private int taskCount;

        private Builder(Storage[] storages) {
            this.storages = storages;
        }

        private void begin(int callIndex, Draft currentDraft, int graphIndex) {
            call = callIndex;
            draft = currentDraft;
            graph = graphIndex;
        }

        private Slot slotOf(Tensor view) {
            for (int k = 0; k < calls.get(call).operands().length; k++) {
                int s = slotNumbers[call][k];
                if (s >= 0 && storages[s] == view.storage()) {
                    return use(slots[s], false);
                }
            }
            throw new IllegalStateException("step plan: a view of call '" + calls.get(call).op()
                    + "' is on none of its operands' storages");
        }

        private Slot use(Slot slot, boolean write) {
            if (slot.kind == Kind.HOST || slot.array == null) {
                throw new IllegalStateException("step plan: slot " + slot.number + " has no device buffer");
            }
            slot.firstGraph = Math.min(slot.firstGraph, graph);
            slot.lastGraph = Math.max(slot.lastGraph, graph);
            if (slot.kind == Kind.INPUT && slot.stagingCall == call && !staged.get(slot.number)) {
                staged.set(slot.number);
                int operand = operandOf(slot);
                stagers.get(call).add(c -> stage(slot, c.operands()[operand].floatData()));
            }
            if (write) {
                draft.slotsWritten.set(slot.number);
            }
            return slot;
        }

        private int operandOf(Slot slot) {
            for (int k = 0; k < slotNumbers[call].length; k++) {
                if (slotNumbers[call][k] == slot.number) {
                    return k;
                }
            }
            throw new IllegalStateException("step plan: slot " + slot.number + " is not an operand of call " + call);
        }

        private boolean wholeStorage(Tensor view) {
            return view.offset() == 0 && view.isContiguous() && view.numel() == view.storage().length();
        }

        /** The view's values in row-major order: its storage's buffer when it is the whole storage, else a copy. */
        public FloatArray dense(Tensor view) {
            Slot slot = slotOf(view);
            if (wholeStorage(view)) {
                return slot.array;
            }
            FloatArray packed = temp(view.numel());
            addCopy(slot.array, view.shape(), view.strides(), view.offset(), packed, denseStrides(view.shape()), 0);
            return packed;
        }

        /**
         * A [batch, rows, cols] view as the SGEMM kernel reads it: its storage's buffer with its own strides when
         * it starts at 0 with no negative stride, else a dense copy. Returns the buffer; {@code strides} receives
         * the (batch, row, column) strides, 0 along size-1 dims.
         */
        public FloatArray strided(Tensor view, int[] strides) {
            boolean inPlace = view.offset() == 0;
            for (int d = 0; d < 3; d++) {
                inPlace &= view.stride(d) >= 0;
            }
            FloatArray array = inPlace ? slotOf(view).array : dense(view);
            int[] own = inPlace ? view.strides() : denseStrides(view.shape());
            for (int d = 0; d < 3; d++) {
                strides[d] = view.size(d) == 1 ? 0 : own[d];
            }
            return array;
        }

        /** Where a kernel writes a view's new values densely; {@link Output#commit} puts them into the view. */
        public Output output(Tensor view) {
            return output(view, false);
        }

        /** As {@link #output}, starting from the view's current values (a kernel that accumulates into it). */
        public Output update(Tensor view) {
            return output(view, true);
        }

        private Output output(Tensor view, boolean readFirst) {
            Slot slot = slotOf(view);
            use(slot, true);
            if (wholeStorage(view)) {
                return new Output(slot.array, null, null);
            }
            FloatArray staging = readFirst ? dense(view) : temp(view.numel());
            return new Output(staging, slot, view);
        }

        /** A kernel's dense result and the view it belongs in. */
        public final class Output {
            private final FloatArray array;
            private final Slot slot;
            private final Tensor view;

            private Output(FloatArray array, Slot slot, Tensor view) {
                this.array = array;
                this.slot = slot;
                this.view = view;
            }

            public FloatArray array() {
                return array;
            }

            /** Copies the dense result into its view (nothing when the kernel wrote the storage's buffer itself). */
            public void commit() {
                if (slot != null) {
                    addCopy(array, view.shape(), denseStrides(view.shape()), 0, slot.array, view.strides(), view.offset());
                }
            }
        }

        /**
         * Writes {@code src}, whose element at position p of {@code dst}'s shape is at Σ p_d·srcStrides_d, into
         * the view dst (a permuted result, say).
         */
        public void copyInto(FloatArray src, int[] srcStrides, Tensor dst) {
            Slot slot = use(slotOf(dst), true);
            addCopy(src, dst.shape(), srcStrides, 0, slot.array, dst.strides(), dst.offset());
        }

        /** tensor-core's copy: src (any view, broadcast included) into the view dst, buffer to buffer. */
        public void copy(Tensor src, Tensor dst) {
            FloatArray from = src.storage() == dst.storage() ? dense(src) : slotOf(src).array;
            int[] strides = src.storage() == dst.storage() ? denseStrides(src.shape()) : src.strides();
            int offset = src.storage() == dst.storage() ? 0 : src.offset();
            Slot to = use(slotOf(dst), true);
            addCopy(from, dst.shape(), strides, offset, to.array, dst.strides(), dst.offset());
        }

        private void addCopy(FloatArray src, int[] shape, int[] srcStrides, int srcOffset, FloatArray dst,
                             int[] dstStrides, int dstOffset) {
            int rank = CopyKernels.MAX_RANK;
            if (shape.length > rank) {
                throw new IllegalStateException("step plan: a view of rank " + shape.length + " (most " + rank + ")");
            }
            int[] layout = new int[CopyKernels.LAYOUT_SLOTS];
            int pad = rank - shape.length;
            int numel = 1;
            for (int d = 0; d < rank; d++) {
                layout[d] = d < pad ? 1 : shape[d - pad];
                layout[rank + d] = d < pad ? 0 : srcStrides[d - pad];
                layout[2 * rank + d] = d < pad ? 0 : dstStrides[d - pad];
                numel *= layout[d];
            }
            layout[CopyKernels.SOURCE_OFFSET] = srcOffset;
            layout[CopyKernels.DESTINATION_OFFSET] = dstOffset;
            layout[CopyKernels.NUMEL] = numel;
            IntArray copyLayout = constant(layout);
            task("copy", (g, taskId) -> g.task(taskId, CopyKernels::stridedCopy, src, dst, copyLayout));
        }

        /** A device-only buffer for a call's intermediate values. */
        public FloatArray temp(int length) {
            FloatArray array = new FloatArray(Math.max(1, length));
            draft.firstExecution.add(array);
            return array;
        }

        /** A buffer of {@code length} copies of {@code value}, uploaded once. */
        public FloatArray filled(int length, float value) {
            FloatArray array = temp(length);
            array.init(value);
            return array;
        }

        /** Int values fixed for the plan (sizes, strides, op codes), uploaded once. */
        public IntArray constant(int... values) {
            IntArray array = new IntArray(Math.max(1, values.length));
            for (int i = 0; i < values.length; i++) {
                array.set(i, values[i]);
            }
            draft.firstExecution.add(array);
            return array;
        }

        /** An int buffer that {@code fill} sets once (a kernel's layout), uploaded once. */
        public IntArray constant(int length, Consumer<IntArray> fill) {
            IntArray array = new IntArray(Math.max(1, length));
            fill.accept(array);
            draft.firstExecution.add(array);
            return array;
        }

        /**
         * The INT64 index tensor {@code operands()[operand]} of the call as int, staged and range-checked against
         * [0, size) on every replay, uploaded every step.
         */
        public IntArray index(int operand, int size) {
            Tensor recorded = calls.get(call).operands()[operand];
            IntArray array = new IntArray(Math.max(1, recorded.numel()));
            draft.everyExecution.add(array);
            stagers.get(call).add(c -> {
                HostCopies.packIndex(c.operands()[operand], size, array, cpu);
                transfers.countUpload();
            });
            return array;
        }

        /** A float buffer that {@code fill} writes from the replayed call on every replay, uploaded every step. */
        public FloatArray staged(int length, BiConsumer<StepCall, FloatArray> fill) {
            FloatArray array = new FloatArray(Math.max(1, length));
            draft.everyExecution.add(array);
            stagers.get(call).add(c -> fill.accept(c, array));
            return array;
        }

        /** Adds a task; its id is made unique in the plan. */
        public void task(String name, TaskAdder adder) {
            task(name, null, adder);
        }

        /** Adds a task run on an explicit grid (a kernel written with a KernelContext). */
        public void task(String name, WorkerGrid grid, TaskAdder adder) {
            draft.tasks.add(new TaskSpec(name + "_" + taskCount++, adder, grid));
        }
    }

    /** Row-major strides of a shape. */
    static int[] denseStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int running = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = running;
            running *= shape[d];
        }
        return strides;
    }
}
