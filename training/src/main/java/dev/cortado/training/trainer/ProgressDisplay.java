package dev.cortado.training.trainer;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Training progress on a stream (stderr). On a terminal, a bar redrawn in place with {@code \r} (at most five
 * times a second):
 * <pre>
 * epoch 2/5 [#########.........]  412/1000 loss 0.4312 183.2 ex/s ETA 1:04
 * </pre>
 * Otherwise (a pipe, a file, CI) no bar: one summary line per epoch and per evaluation. The loss shown is an
 * exponential moving average, α = 0.05, with the bias correction 1/(1 − (1 − α)ⁿ) so early values are not
 * pulled towards zero.
 */
final class ProgressDisplay {
    private static final double ALPHA = 0.05;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final int epochs;
    private final long totalSteps;
    private final long startNanos = System.nanoTime();
    private final long firstStep;
    private double average;
    private long averaged;
    private long examples;
    private long lastDraw;
    private boolean barShown;

    ProgressDisplay(PrintStream out, boolean terminal, int epochs, long totalSteps, long firstStep) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
        this.totalSteps = totalSteps;
        this.firstStep = firstStep;
    }

    /**
     * Whether stderr goes to an interactive terminal: a console exists and, on JDK 22 and later (where
     * {@code System.console()} may return a console for a redirected stream), {@code Console.isTerminal()}.
     */
    static boolean attachedToTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJdk) {
            return true; // before JDK 22 a console exists only for a terminal
        }
    }

    double smoothedLoss() {
        return average / (1 - Math.pow(1 - ALPHA, averaged));
    }

    void step(int epoch, long step, double loss, int batchExamples) {
        average = (1 - ALPHA) * average + ALPHA * loss;
        averaged++;
        examples += batchExamples;
        long now = System.nanoTime();
        if (terminal && (now - lastDraw >= REDRAW_NANOS || step == totalSteps)) {
            lastDraw = now;
            double seconds = (now - startNanos) / 1e9;
            double stepsPerSecond = (step - firstStep) / seconds;
            double eta = (totalSteps - step) / stepsPerSecond;
            int filled = (int) (BAR_WIDTH * Math.min(1, (double) step / totalSteps));
            out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f %.1f ex/s ETA %s   ",
                    epoch + 1, epochs, "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), step, totalSteps,
                    smoothedLoss(), examples / seconds, clock(eta)));
            out.flush();
            barShown = true;
        }
    }

    void epochEnd(int epoch, long step, double seconds) {
        line(String.format(Locale.ROOT, "epoch %d/%d done: step %d/%d loss %.4f %.1f ex/s %.1f s", epoch + 1, epochs,
                step, totalSteps, smoothedLoss(), examples / ((System.nanoTime() - startNanos) / 1e9), seconds));
    }

    void evaluation(int epoch, long step, Map<String, Double> metrics) {
        line(String.format(Locale.ROOT, "eval epoch %d step %d: %s", epoch + 1, step, metrics.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s=%.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "))));
    }

    /** A line that stays: on a terminal it replaces the bar, which the next step redraws below it. */
    private void line(String text) {
        if (barShown) {
            out.print("\r\033[K");
            barShown = false;
        }
        out.println(text);
        out.flush();
    }

    private static String clock(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
