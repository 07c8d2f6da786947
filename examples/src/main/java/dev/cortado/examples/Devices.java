package dev.cortado.examples;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.io.PrintStream;
import java.util.List;

/** {@code cortado devices}: the backends this build can run on, with what each one found on this machine. */
final class Devices {
    private Devices() {
    }

    static int run(String[] args, PrintStream out) {
        if (args.length > 0) {
            System.err.println("cortado devices: takes no arguments, got " + String.join(" ", args));
            return 2;
        }
        String selected = Backends.defaultBackend().name();
        out.println("backends:");
        for (Backend backend : List.of(CpuBackend.shared(), ReferenceBackend.INSTANCE)) {
            out.println("  " + backend.describe() + (backend.name().equals(selected) ? "  [default]" : ""));
        }
        out.println("  tornado: not in this build (GPU kernels through TornadoVM arrive with the tornado-kernels module)");
        out.println("java: " + Runtime.version() + " on " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        return 0;
    }
}
