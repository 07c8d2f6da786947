package dev.cortado.tornado;

import dev.cortado.tensor.backend.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/** The devices TornadoVM's drivers found, named {@code backend:device} by their indices as TornadoVM numbers them. */
final class TornadoDevices {
    /** System property choosing the device, {@code B:D} (TornadoVM backend index, device index); default: TornadoVM's default device. */
    static final String DEVICE_PROPERTY = "cortado.tornado.device";

    private TornadoDevices() {
    }

    /** One line per device, the selected one marked. */
    static List<String> describeAll() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        TornadoDevice selected = runtime.getDefaultDevice();
        try {
            selected = select();
        } catch (BackendUnavailableException e) {
            // An unusable -Dcortado.tornado.device is reported when the backend is created; list the devices anyway.
        }
        List<String> lines = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            var backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice device = backend.getDevice(d);
                lines.add("tornado " + b + ":" + d + "  " + describe(device)
                        + (device.getDeviceName().equals(selected.getDeviceName()) ? "  [selected]" : ""));
            }
        }
        if (lines.isEmpty()) {
            lines.add("tornado: TornadoVM found no device (no OpenCL/PTX/SPIR-V driver answered)");
        }
        return lines;
    }

    /** Name, driver, memory and compute units of one device. */
    static String describe(TornadoDevice device) {
        var physical = device.getPhysicalDevice();
        return physical.getDeviceName() + " (" + device.getTornadoVMBackend() + ", "
                + physical.getDeviceGlobalMemorySize() / (1 << 20) + " MiB, "
                + physical.getDeviceMaxComputeUnits() + " compute units)";
    }

    /** The device named by {@value #DEVICE_PROPERTY}, or TornadoVM's default one. */
    static TornadoDevice select() throws BackendUnavailableException {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        String spec = System.getProperty(DEVICE_PROPERTY);
        if (spec == null || spec.isBlank()) {
            if (runtime.getNumBackends() == 0 || runtime.getBackend(0).getNumDevices() == 0) {
                throw new BackendUnavailableException("TornadoVM found no device");
            }
            return runtime.getDefaultDevice();
        }
        String[] parts = spec.trim().split(":");
        try {
            int b = Integer.parseInt(parts[0]);
            int d = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
            if (parts.length != 2 || b < 0 || b >= runtime.getNumBackends() || d < 0
                    || d >= runtime.getBackend(b).getNumDevices()) {
                throw new BackendUnavailableException("-D" + DEVICE_PROPERTY + "=" + spec
                        + " names no device (see 'cortado devices' for the B:D of each)");
            }
            return runtime.getBackend(b).getDevice(d);
        } catch (NumberFormatException e) {
            throw new BackendUnavailableException("-D" + DEVICE_PROPERTY + " must be B:D (two indices), got '" + spec + "'");
        }
    }
}
