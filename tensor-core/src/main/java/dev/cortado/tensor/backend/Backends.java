package dev.cortado.tensor.backend;

import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;

/**
 * Where ops find their backend: the CPU backend by default, or the one installed for the current thread
 * by {@link #use(Backend)}:
 * <pre>{@code
 * try (var scope = Backends.use(new ReferenceBackend())) {
 *     Tensor y = Elementwise.exp(x);   // runs on the reference backend
 * }
 * }</pre>
 * The default is chosen once from the system property {@code cortado.backend} ({@code cpu} or
 * {@code reference}; default {@code cpu}).
 */
public final class Backends {
    private static final ThreadLocal<Backend> CURRENT = new ThreadLocal<>();
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The backend ops on this thread dispatch to. */
    public static Backend current() {
        Backend backend = CURRENT.get();
        return backend != null ? backend : defaultBackend();
    }

    /** The process-wide default backend (created on first use). */
    public static Backend defaultBackend() {
        Backend backend = defaultBackend;
        if (backend == null) {
            synchronized (Backends.class) {
                if (defaultBackend == null) {
                    defaultBackend = byName(System.getProperty("cortado.backend", "cpu"));
                }
                backend = defaultBackend;
            }
        }
        return backend;
    }

    /** A built-in backend by name: {@code cpu} or {@code reference}. */
    public static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> CpuBackend.shared();
            case "reference" -> ReferenceBackend.INSTANCE;
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (known: cpu, reference)");
        };
    }

    /** Makes {@code backend} current on this thread until the returned scope is closed. */
    public static Scope use(Backend backend) {
        Backend previous = CURRENT.get();
        CURRENT.set(backend);
        return new Scope(previous);
    }

    /** Restores the previously current backend when closed. */
    public static final class Scope implements AutoCloseable {
        private final Backend previous;

        private Scope(Backend previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
