package dev.fmplex.bench.serving;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A small line chart written as PNG with Java2D (headless), so the report needs no plotting
 * library: named series of (x, y) points, optional log-scale y; values beyond the axis (an
 * overloaded deployment's unbounded latency) are drawn on its top edge as hollow markers.
 */
public final class LinePlot {

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
    };
    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    private static final int LEFT = 80;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    public LinePlot(String title, String xLabel, String yLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    public LinePlot add(String name, List<double[]> points) {
        series.put(name, points);
        return this;
    }

    public void write(Path file, double yMax) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                if (Double.isFinite(p[1]) && p[1] > 0) {
                    yMin = Math.min(yMin, p[1]);
                }
            }
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        yMin = logY ? Math.pow(10, Math.floor(Math.log10(Math.max(yMin, 1e-3)))) : 0;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString(xLabel, LEFT + plotW / 2 - 40, HEIGHT - 15);
        g.drawString(yLabel, 8, TOP - 8);
        for (int i = 0; i <= 4; i++) {
            double x = xMin + (xMax - xMin) * i / 4;
            int px = LEFT + plotW * i / 4;
            g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
            g.drawString(format(x), px - 12, TOP + plotH + 20);
            double y = yAt(i / 4.0, yMin, yMax);
            int py = TOP + plotH - plotH * i / 4;
            g.drawLine(LEFT - 5, py, LEFT, py);
            g.drawString(format(y), 10, py + 4);
        }
        int index = 0;
        for (Map.Entry<String, List<double[]>> entry : series.entrySet()) {
            Color color = COLORS[index % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int previousX = -1;
            int previousY = -1;
            for (double[] p : entry.getValue()) {
                int px = LEFT + (int) Math.round(plotW * (p[0] - xMin) / (xMax - xMin));
                boolean beyond = !Double.isFinite(p[1]) || p[1] > yMax;
                double fraction = beyond ? 1 : fractionOf(p[1], yMin, yMax);
                int py = TOP + plotH - (int) Math.round(plotH * Math.max(0, fraction));
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, px, py);
                }
                if (beyond) {
                    g.drawOval(px - 5, py - 5, 10, 10);
                } else {
                    g.fillOval(px - 4, py - 4, 8, 8);
                }
                previousX = px;
                previousY = py;
            }
            int legendY = TOP + 20 + 20 * index;
            g.fillRect(WIDTH - RIGHT + 15, legendY - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(entry.getKey(), WIDTH - RIGHT + 35, legendY);
            index++;
        }
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private double fractionOf(double y, double yMin, double yMax) {
        return logY
                ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin))
                        / (Math.log10(yMax) - Math.log10(yMin))
                : (y - yMin) / (yMax - yMin);
    }

    private double yAt(double fraction, double yMin, double yMax) {
        return logY
                ? Math.pow(10, Math.log10(yMin) + fraction * (Math.log10(yMax) - Math.log10(yMin)))
                : yMin + fraction * (yMax - yMin);
    }

    private static String format(double value) {
        return value >= 100 ? String.format("%.0f", value) : String.format("%.3g", value);
    }
}
