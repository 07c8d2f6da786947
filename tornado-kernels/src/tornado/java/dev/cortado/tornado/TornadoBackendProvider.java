package dev.cortado.tornado;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BackendProvider;
import dev.cortado.tensor.backend.BackendUnavailableException;
import java.util.List;

/**
 * Makes {@code tornado} a backend name (a {@code META-INF/services} entry). This class touches TornadoVM only
 * after checking that its runtime is loaded, so that a JVM started without TornadoVM's arguments gets a
 * one-line reason instead of a linkage error.
 */
public final class TornadoBackendProvider implements BackendProvider {
    /** With {@code -Dcortado.tornado.strict=true} a failing kernel throws instead of falling back to the CPU (tests). */
    public static final String STRICT_PROPERTY = "cortado.tornado.strict";

    private static final String RUNTIME_CLASS = "uk.ac.manchester.tornado.runtime.TornadoCoreRuntime";
    private static final String NOT_LOADED = "TornadoVM's runtime is not loaded: start the JVM with its arguments "
            + "(java @$TORNADOVM_HOME/tornado-argfile ...; bin/cortado adds them when TORNADOVM_HOME is set)";

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public Backend create() throws BackendUnavailableException {
        requireRuntime();
        try {
            return TornadoBackend.open(Boolean.getBoolean(STRICT_PROPERTY));
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("TornadoVM failed to start: " + TornadoBackend.oneLine(e), e);
        }
    }

    @Override
    public List<String> describeDevices() {
        try {
            requireRuntime();
            return TornadoDevices.describeAll();
        } catch (BackendUnavailableException e) {
            return List.of("tornado: " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return List.of("tornado: TornadoVM failed to list its devices: " + TornadoBackend.oneLine(e));
        }
    }

    private static void requireRuntime() throws BackendUnavailableException {
        try {
            Class.forName(RUNTIME_CLASS, false, TornadoBackendProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BackendUnavailableException(NOT_LOADED);
        }
    }
}
