package dev.cortado.tornado.graphs;

import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * One backend call inside a captured training step ({@link StepCapture}): its tensors and what it does to
 * each, the attributes that must repeat for a replay to be valid (op codes, sizes, eps), how to run it now
 * ({@link #eager}), and, for calls with device kernels, how to add them to a step plan ({@link #emitter}).
 *
 * @param op         the call's name, for signatures and messages
 * @param operands   every tensor argument; null for an absent optional one
 * @param access     what the call does to each operand
 * @param attributes values that must be equal in every replayed step
 * @param payload    per-step data a device call stages (AdamW's scalars), or null
 * @param emitter    adds the call's device tasks to a plan; null for a call that runs on the host
 * @param eager      runs the call at once (recording steps, host calls, a step that leaves its plan)
 */
public record StepCall(String op, Tensor[] operands, Access[] access, List<Object> attributes, Object payload,
                       Emitter emitter, Runnable eager) {
    /** What a call does to an operand. */
    public enum Access {
        /** Reads it. */
        READ,
        /** Overwrites every element of it (a whole tensor the call does not read). */
        WRITE,
        /** Reads and writes it, or writes part of its storage (an accumulation, a slice). */
        UPDATE
    }

    /** Adds a call's tasks to a step plan. */
    @FunctionalInterface
    public interface Emitter {
        void emit(StepPlan.Builder builder);
    }

    /** A device call. */
    public static StepCall device(String op, List<Object> attributes, Object payload, Emitter emitter, Runnable eager,
                                  Tensor[] operands, Access... access) {
        return new StepCall(op, operands, access, attributes, payload, emitter, eager);
    }

    /** A call that runs on the host (no device kernel): a replay runs the plan up to it, then runs it. */
    public static StepCall host(String op, List<Object> attributes, Runnable eager, Tensor[] operands, Access... access) {
        return new StepCall(op, operands, access, attributes, null, null, eager);
    }

    boolean onDevice() {
        return emitter != null;
    }
}
