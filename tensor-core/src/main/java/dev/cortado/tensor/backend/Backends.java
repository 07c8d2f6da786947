package dev.cortado.tensor.backend;

import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where ops find their backend: the CPU backend by default, or the one installed for the current thread
 * by {@link #use(Backend)}:
 * <pre>{@code
 * try (var scope = Backends.use(new ReferenceBackend())) {
 *     Tensor y = Elementwise.exp(x);   // runs on the reference backend
 * }
 * }</pre>
 * The default is chosen once from the system property {@code cortado.backend} ({@code cpu}, {@code reference},
 * or a backend of another module such as {@code tornado}; default {@code cpu}).
 *
 * <p>Backends of other modules are found through {@link BackendProvider} services. When the named one is not in
 * the build, or its provider says it cannot run here, the CPU backend runs instead and one line on standard
 * error says why: a missing GPU never stops a job, and never goes unnoticed.
 */
public final class Backends {
    /** Backends that may be named although their module is optional, with the reason shown when it is absent. */
    private static final Map<String, String> OPTIONAL = Map.of("tornado",
            "this build has no TornadoVM backend (build with mvn -Ptornado against a TornadoVM SDK; see README)");

    private static final ThreadLocal<Backend> CURRENT = new ThreadLocal<>();
    /** Provider-made backends (or the CPU fallback chosen for a name), resolved once per process. */
    private static final Map<String, Backend> RESOLVED = new ConcurrentHashMap<>();
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

    /**
     * A backend by name: {@code cpu}, {@code reference}, or the name of a {@link BackendProvider}. A provider's
     * backend is created once per process; when it cannot run (or {@code tornado} is not in this build) the
     * CPU backend is returned and the reason is printed once on standard error.
     *
     * @throws IllegalArgumentException for a name no backend answers to
     */
    public static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> CpuBackend.shared();
            case "reference" -> ReferenceBackend.INSTANCE;
            default -> RESOLVED.computeIfAbsent(name, n -> resolve(n, System.err));
        };
    }

    /** Backend names whose module is optional, each with the reason printed when that module is not in the build. */
    public static Map<String, String> optionalBackends() {
        return OPTIONAL;
    }

    /** The backend providers on the class path (the service entries that fail to load are skipped). */
    public static List<BackendProvider> providers() {
        List<BackendProvider> providers = new ArrayList<>();
        var iterator = ServiceLoader.load(BackendProvider.class).iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    return providers;
                }
                providers.add(iterator.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // A provider whose own dependencies are missing cannot be listed; byName reports it when named.
            }
        }
    }

    /** Resolves a non-built-in name through the providers, falling back to the CPU with a line on {@code err}. */
    static Backend resolve(String name, PrintStream err) {
        List<String> known = new ArrayList<>(List.of("cpu", "reference"));
        for (BackendProvider provider : providers()) {
            known.add(provider.name());
            if (provider.name().equals(name)) {
                try {
                    return provider.create();
                } catch (BackendUnavailableException e) {
                    return fallBack(name, e.getMessage(), err);
                } catch (RuntimeException | LinkageError e) {
                    return fallBack(name, e.toString(), err);
                }
            }
        }
        String absent = OPTIONAL.get(name);
        if (absent != null) {
            return fallBack(name, absent, err);
        }
        known.addAll(OPTIONAL.keySet());
        throw new IllegalArgumentException("unknown backend '" + name + "' (known: "
                + String.join(", ", known.stream().distinct().toList()) + ")");
    }

    private static Backend fallBack(String name, String reason, PrintStream err) {
        err.println("cortado: backend '" + name + "' unavailable: " + reason + "; running on the cpu backend");
        return CpuBackend.shared();
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
