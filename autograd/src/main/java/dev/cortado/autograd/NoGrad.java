package dev.cortado.autograd;

/**
 * A scope in which ops record no graph, for evaluation and for optimiser updates:
 * <pre>{@code
 * try (var scope = NoGrad.enter()) {
 *     Variable logits = model.forward(x);   // no graph, no saved tensors
 * }
 * }</pre>
 * Scopes nest and are per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
    }

    /** Enters a no-grad scope on this thread; close it (try-with-resources) to leave. */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Whether ops on this thread currently record a graph. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
