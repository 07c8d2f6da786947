package dev.cortado.tensor.backend;

import java.util.List;

/**
 * A backend that lives in another module and is found at run time through {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.cortado.tensor.backend.BackendProvider} entry), so that tensor-core needs
 * no compile-time knowledge of it. The TornadoVM backend in {@code tornado-kernels} is one.
 *
 * <p>{@link Backends#byName(String)} calls {@link #create()} once per process; when it throws, the CPU backend
 * runs instead and the reason is printed on one line.
 */
public interface BackendProvider {
    /** The name that selects this backend ({@code -Dcortado.backend=NAME}, {@code --backend NAME}). */
    String name();

    /**
     * Creates the backend after checking that it can run here (its runtime is present, a device answers, a
     * probe kernel compiles).
     *
     * @throws BackendUnavailableException saying in one line why it cannot run
     */
    Backend create() throws BackendUnavailableException;

    /**
     * One line per device this backend could use, for {@code cortado devices}; when the backend cannot run
     * here, one line saying why. Never throws.
     */
    List<String> describeDevices();
}
