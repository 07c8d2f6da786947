package dev.cortado.benchmarks;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;

/** The backend a benchmark's {@code backend} parameter names. */
final class BenchmarkBackends {
    private BenchmarkBackends() {
    }

    /**
     * {@code cpu}: a CPU backend with its own pool of {@code threads} threads; any other name: that backend as
     * {@link Backends#byName} resolves it. Where it falls back to the CPU (its one-line reason is printed above),
     * the benchmark fails rather than time the CPU under another backend's name.
     */
    static Backend open(String name, int threads) {
        if (name.equals("cpu")) {
            return new CpuBackend(threads);
        }
        Backend backend = Backends.byName(name);
        if (!backend.name().equals(name)) {
            throw new IllegalStateException("backend '" + name + "' is unavailable here (the line above says why); "
                    + "not timing the " + backend.name() + " backend in its place");
        }
        return backend;
    }
}
