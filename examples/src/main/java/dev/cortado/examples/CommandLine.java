package dev.cortado.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Strict {@code --name value} / {@code --flag} parsing for the training commands: every option is declared
 * with its default, an unknown or repeated option or a malformed value is an {@link IllegalArgumentException}
 * whose message the command prints before its usage (exit code 2).
 */
final class CommandLine {
    private final String command;
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Set<String> flags = new java.util.HashSet<>();
    private final Map<String, String> given = new HashMap<>();

    CommandLine(String command) {
        this.command = command;
    }

    /** Declares {@code --name VALUE}; {@code defaultValue} null means "not set unless given". */
    CommandLine option(String name, String defaultValue, String description) {
        defaults.put(name, defaultValue);
        help.put(name, description);
        return this;
    }

    /** Declares a boolean {@code --name}. */
    CommandLine flag(String name, String description) {
        flags.add(name);
        help.put(name, description);
        return this;
    }

    /** Whether the arguments ask for the usage text ({@code --help} or {@code -h} anywhere). */
    static boolean wantsHelp(String[] args) {
        return java.util.Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"));
    }

    CommandLine parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !help.containsKey(arg.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            String name = arg.substring(2);
            if (given.containsKey(name)) {
                throw new IllegalArgumentException(arg + " given twice");
            }
            if (flags.contains(name)) {
                given.put(name, "true");
            } else if (i + 1 == args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            } else {
                given.put(name, args[++i]);
            }
        }
        return this;
    }

    boolean has(String name) {
        return given.containsKey(name) || defaults.get(name) != null;
    }

    boolean flag(String name) {
        return given.containsKey(requireDeclared(name));
    }

    String string(String name) {
        String value = given.getOrDefault(requireDeclared(name), defaults.get(name));
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    Path path(String name) {
        return Path.of(string(name));
    }

    int integer(String name, int min) {
        int value;
        try {
            value = Integer.parseInt(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs an integer, got '" + string(name) + "'");
        }
        if (value < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    long longValue(String name) {
        try {
            return Long.parseLong(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs an integer, got '" + string(name) + "'");
        }
    }

    double number(String name, double min) {
        double value;
        try {
            value = Double.parseDouble(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, got '" + string(name) + "'");
        }
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("--" + name + " must be a finite number >= " + min + ", got " + value);
        }
        return value;
    }

    /** The option list for a usage message, one per line. */
    String usage() {
        StringBuilder text = new StringBuilder("usage: cortado " + command + " [options]\noptions:\n");
        help.forEach((name, description) -> {
            String left = "--" + name + (flags.contains(name) ? "" : " V");
            String fallback = defaults.get(name) == null ? "" : " (default " + defaults.get(name) + ")";
            text.append(String.format("  %-22s %s%s%n", left, description, fallback));
        });
        return text.toString();
    }

    private String requireDeclared(String name) {
        if (!help.containsKey(name)) {
            throw new IllegalStateException("option --" + name + " is not declared for " + command);
        }
        return name;
    }
}
