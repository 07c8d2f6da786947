package dev.cortado.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code --backend NAME} option of the commands that do not declare it themselves ({@code devices},
 * {@code embed}, {@code onnx-test}): taken out of the arguments before the command parses them. A {@code --}
 * ends the search, so that a text after it may be {@code --backend}.
 *
 * @param backend the named backend, or null when the option is absent
 * @param rest    the arguments without the option
 */
record BackendOption(String backend, String[] rest) {
    private static final String FLAG = "--backend";

    static BackendOption extract(String[] args) {
        List<String> rest = new ArrayList<>();
        String backend = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                rest.addAll(Arrays.asList(args).subList(i, args.length));
                break;
            }
            String value = null;
            if (arg.equals(FLAG)) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(FLAG + " needs a value (cpu, reference or tornado)");
                }
                value = args[++i];
            } else if (arg.startsWith(FLAG + "=")) {
                value = arg.substring(FLAG.length() + 1);
            }
            if (value == null) {
                rest.add(arg);
            } else if (backend != null) {
                throw new IllegalArgumentException(FLAG + " given twice ('" + backend + "', '" + value + "')");
            } else {
                backend = value;
            }
        }
        return new BackendOption(backend, rest.toArray(String[]::new));
    }
}
