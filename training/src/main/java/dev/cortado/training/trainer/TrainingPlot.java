package dev.cortado.training.trainer;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training curves as a PNG, drawn with Java2D (headless): on top the loss of every step (light) and its
 * exponential moving average (α = 0.05, bias-corrected as in the progress bar); below, when there were
 * evaluations, each metric against the step. Both panels share the step axis and have tick labels and a
 * legend.
 */
public final class TrainingPlot {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 640;
    static final Color BACKGROUND = Color.WHITE;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int GAP = 50;
    private static final int BOTTOM = 40;

    private TrainingPlot() {
    }

    private record Series(String name, double[] x, double[] y, Color color) {
    }

    /** Writes the plot of {@code history} to {@code file} (PNG). */
    public static void write(TrainingHistory history, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, (WIDTH - g.getFontMetrics().stringWidth(title)) / 2, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

            List<Series> metrics = metricSeries(history);
            int panels = metrics.isEmpty() ? 1 : 2;
            int panelHeight = (HEIGHT - TOP - BOTTOM - (panels - 1) * GAP) / panels;
            double maxStep = Math.max(1, history.losses().isEmpty() ? 1 : history.losses().getLast().step());
            panel(g, TOP, panelHeight, "loss", lossSeries(history), maxStep);
            if (!metrics.isEmpty()) {
                panel(g, TOP + panelHeight + GAP, panelHeight, "metric", metrics, maxStep);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("TrainingPlot: no PNG writer available for " + file);
        }
    }

    private static List<Series> lossSeries(TrainingHistory history) {
        int n = history.losses().size();
        double[] x = new double[n];
        double[] raw = new double[n];
        double[] smooth = new double[n];
        double average = 0;
        for (int i = 0; i < n; i++) {
            x[i] = history.losses().get(i).step();
            raw[i] = history.losses().get(i).loss();
            average = 0.95 * average + 0.05 * raw[i];
            smooth[i] = average / (1 - Math.pow(0.95, i + 1));
        }
        return List.of(new Series("loss", x, raw, new Color(0xaec7e8)), new Series("loss (smoothed)", x, smooth, PALETTE[0]));
    }

    private static List<Series> metricSeries(TrainingHistory history) {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (TrainingHistory.Evaluation e : history.evaluations()) {
            e.metrics().forEach((name, v) -> points.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new double[]{e.step(), v}));
        }
        List<Series> out = new ArrayList<>();
        points.forEach((name, list) -> out.add(new Series(name, list.stream().mapToDouble(p -> p[0]).toArray(),
                list.stream().mapToDouble(p -> p[1]).toArray(), PALETTE[(out.size() + 1) % PALETTE.length])));
        return out;
    }

    /** One panel: frame, ticks with labels on both axes, the series as polylines (a dot for a single point), legend. */
    private static void panel(Graphics2D g, int top, int height, String yLabel, List<Series> series, double maxStep) {
        int width = WIDTH - LEFT - RIGHT;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            lo -= 0.5;
            hi += 0.5;
        }
        double pad = 0.05 * (hi - lo);
        double yMin = lo - pad;
        double yMax = hi + pad;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, top, width, height);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i <= 5; i++) {
            double v = yMin + (yMax - yMin) * i / 5;
            int y = top + height - (int) Math.round(height * (double) i / 5);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT + 1, y, LEFT + width - 1, y);
            g.setColor(Color.BLACK);
            g.drawLine(LEFT - 4, y, LEFT, y);
            String text = label(v);
            g.drawString(text, LEFT - 6 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);

            long step = Math.round(maxStep * i / 5);
            int x = LEFT + (int) Math.round(width * step / maxStep);
            g.drawLine(x, top + height, x, top + height + 4);
            String stepText = Long.toString(step);
            g.drawString(stepText, x - fm.stringWidth(stepText) / 2, top + height + 6 + fm.getAscent());
        }
        g.drawString("step", LEFT + width - fm.stringWidth("step"), top + height + 32);
        g.drawString(yLabel, 8, top - 6);

        g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : series) {
            g.setColor(s.color());
            int previousX = -1;
            int previousY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    previousX = -1;
                    continue;
                }
                int x = LEFT + (int) Math.round(width * s.x()[i] / maxStep);
                int y = top + height - (int) Math.round(height * (s.y()[i] - yMin) / (yMax - yMin));
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                } else {
                    g.fillOval(x - 2, y - 2, 5, 5);
                }
                previousX = x;
                previousY = y;
            }
        }
        int legendY = top + 14;
        for (Series s : series) {
            int legendX = LEFT + width - 150;
            g.setColor(s.color());
            g.fillRect(legendX, legendY - 8, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), legendX + 24, legendY - 2);
            legendY += 16;
        }
    }

    private static String label(double v) {
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e5) ? String.format(Locale.ROOT, "%.2e", v)
                : String.format(Locale.ROOT, a < 1 ? "%.3f" : "%.2f", v);
    }
}
