package dev.cortado.examples;

import dev.cortado.tensor.backend.Backend;
import dev.cortado.tensor.backend.BackendProvider;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import dev.cortado.tensor.reference.ReferenceBackend;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code cortado devices}: the backends this build can run on, with what each one found on this machine: the
 * CPU with its vector width and threads, and the devices of backends from other modules (TornadoVM's, when the
 * build has it and the JVM runs with its arguments), or why they are missing.
 */
final class Devices {
    private Devices() {
    }

    static int run(String[] args, PrintStream out) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println("usage: cortado devices [--backend cpu|reference|tornado]");
            return 0;
        }
        if (args.length > 0) {
            System.err.println("cortado devices: takes no arguments, got " + String.join(" ", args));
            return 2;
        }
        String selected = Backends.current().name();
        out.println("backends:");
        for (Backend backend : List.of(CpuBackend.shared(), ReferenceBackend.INSTANCE)) {
            out.println("  " + backend.describe() + (backend.name().equals(selected) ? "  [default]" : ""));
        }
        List<BackendProvider> providers = Backends.providers();
        for (BackendProvider provider : providers) {
            String marker = provider.name().equals(selected) ? "  [default]" : "";
            for (String line : provider.describeDevices()) {
                out.println("  " + line + marker);
                marker = "";
            }
        }
        Backends.optionalBackends().forEach((name, reason) -> {
            if (providers.stream().noneMatch(provider -> provider.name().equals(name))) {
                out.println("  " + name + ": " + reason);
            }
        });
        out.println("java: " + Runtime.version() + " on " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        return 0;
    }
}
