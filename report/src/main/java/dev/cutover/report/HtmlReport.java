package dev.cutover.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a self-contained HTML report: one chart per rollout (inline SVG, no script, no network)
 * with three panels on one time axis — traffic weight per revision, error rate and p99 latency per
 * revision as Datadog answered them — and a red line at the moment of the rollback.
 *
 * <pre>{@code
 * HtmlReport report = HtmlReport.titled("Cutover main job");
 * report.add(new HtmlReport.Chart("stage: orders 1.4.3 (canary)", rollout, errorRates, p99s));
 * report.table("History of stage/orders", List.of("id", "outcome"), rows);
 * report.write(Path.of("target/cutover-report.html"));
 * }</pre>
 */
public final class HtmlReport {

    /** A time series point: epoch milliseconds and value. */
    public record Point(long epochMillis, double value) {
    }

    /**
     * One rollout's chart.
     *
     * @param title     the heading
     * @param rollout   what the deployment did (weights, rollback)
     * @param errorRate revision to error-rate points (0..1)
     * @param latency   revision to p99 latency points (ms)
     */
    public record Chart(String title, RolloutRecorder.Rollout rollout, Map<String, List<Point>> errorRate,
            Map<String, List<Point>> latency) {
        public Chart {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(rollout, "rollout");
            errorRate = Map.copyOf(errorRate);
            latency = Map.copyOf(latency);
        }
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 860;
    private static final int PANEL = 130;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int GAP = 34;
    /** The margin above the panels, where the rollback label goes. */
    private static final int TOP = 22;

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private int charts;

    private HtmlReport(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    /** An empty report with a page title. */
    public static HtmlReport titled(String title) {
        return new HtmlReport(title);
    }

    /**
     * A report of every rollout a recorder saw (or {@link RolloutRecorder#fromJournal rebuilt from a
     * journal}), one chart each, without metric series (those panels say "no data").
     */
    public static HtmlReport of(String title, RolloutRecorder recorder) {
        HtmlReport report = new HtmlReport(title);
        for (RolloutRecorder.Rollout r : recorder.rollouts()) {
            report.add(new Chart(r.target() + " — " + r.version() + " (" + r.strategy() + ")", r, Map.of(), Map.of()));
        }
        return report;
    }

    /** Adds a paragraph. */
    public HtmlReport paragraph(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** Adds a table. */
    public HtmlReport table(String heading, List<String> columns, List<List<String>> rows) {
        body.append("<h2>").append(esc(heading)).append("</h2>\n<table><tr>");
        columns.forEach(c -> body.append("<th>").append(esc(c)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append("<td>").append(esc(c)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Adds one rollout's chart. */
    public HtmlReport add(Chart chart) {
        RolloutRecorder.Rollout r = chart.rollout();
        charts++;
        body.append("<section><h2>").append(esc(chart.title())).append("</h2>\n<p class=\"meta\">")
                .append(esc(r.target() + " · " + r.strategy() + " · outcome " + r.outcome()
                        + (r.detail().isEmpty() ? "" : " — " + r.detail())))
                .append("</p>\n");
        if (r.rolledBackAt().isPresent()) {
            body.append("<p class=\"rollback\">Rolled back at ").append(esc(r.rolledBackAt().get().toString()))
                    .append(": ").append(esc(r.rollbackReason())).append("</p>\n");
        }
        body.append(svg(chart, "chart-" + charts)).append("</section>\n");
        return this;
    }

    /** Writes the page; creates the parent folder. */
    public Path write(Path file) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + esc(title)
                + "</title>\n<style>\n"
                + "body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1000px}\n"
                + "h1{font-size:22px}h2{font-size:17px;margin-top:28px}.meta{color:#555}.rollback{color:#b00020;font-weight:600}\n"
                + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}\n"
                + "th{background:#f3f3f3}svg{background:#fff;border:1px solid #ddd;width:100%;height:auto;max-width:860px}"
                + "svg text{font:11px sans-serif;fill:#333}\n"
                + "</style></head><body>\n<h1>" + esc(title) + "</h1>\n" + body + "</body></html>\n";
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, html, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report to " + file, e);
        }
    }

    /** How many charts were added. */
    public int charts() {
        return charts;
    }

    // ------------------------------------------------------------------ drawing

    private static String svg(Chart chart, String idBase) {
        RolloutRecorder.Rollout r = chart.rollout();
        Instant start = r.started() != null ? r.started() : Instant.EPOCH;
        Instant end = r.finished().orElse(start.plusSeconds(60));
        long t0 = start.toEpochMilli();
        long t1 = Math.max(t0 + 1000, end.toEpochMilli());
        Set<String> revisions = new LinkedHashSet<>();
        r.weights().forEach(w -> revisions.addAll(w.weights().keySet()));
        revisions.addAll(chart.errorRate().keySet());
        revisions.addAll(chart.latency().keySet());
        Map<String, String> color = new LinkedHashMap<>();
        int i = 0;
        for (String rev : revisions) {
            color.put(rev, COLORS[i++ % COLORS.length]);
        }
        int height = TOP + 3 * PANEL + 3 * GAP + 40;
        StringBuilder s = new StringBuilder();
        s.append("<svg width=\"").append(W).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(height).append("\" role=\"img\" aria-labelledby=\"")
                .append(idBase).append("-t ").append(idBase).append("-d\">\n<title id=\"").append(idBase).append("-t\">")
                .append(esc(chart.title())).append("</title>\n<desc id=\"").append(idBase).append("-d\">")
                .append(esc(describe(r, revisions))).append("</desc>\n");
        Map<String, List<Point>> weightSeries = weightSeries(r, t1);
        panel(s, 0, "traffic weight %", weightSeries, color, t0, t1, 100, true);
        panel(s, 1, "error rate %", scale(chart.errorRate(), 100), color, t0, t1, max(chart.errorRate(), 100, 5), false);
        panel(s, 2, "p99 latency ms", chart.latency(), color, t0, t1, max(chart.latency(), 1, 100), false);
        int axisY = TOP + 3 * (PANEL + GAP) - GAP + 26; // below the bottom panel's "0", never on it
        long seconds = (t1 - t0) / 1000;
        for (int k = 0; k <= 5; k++) {
            double x = LEFT + (W - LEFT - RIGHT) * k / 5.0;
            String anchor = k == 0 ? "start" : k == 5 ? "end" : "middle";
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">+%s</text>\n", x, axisY, anchor,
                    clock(Duration.ofSeconds(seconds * k / 5))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">time since start (simulated)</text>\n", LEFT, axisY + 14));
        r.rolledBackAt().ifPresent(at -> {
            double x = x(at.toEpochMilli(), t0, t1);
            // the label sits in the margin above the panels, on the side of the line that stays inside the plot
            // area, so it never covers a panel's title or the legend on the right
            boolean right = x + 60 <= W - RIGHT;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#b00020\" "
                    + "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n<text x=\"%.1f\" y=\"14\" text-anchor=\"%s\" "
                    + "style=\"fill:#b00020;font-weight:bold\">rollback</text>\n", x, TOP - 4, x, TOP + 3 * (PANEL + GAP) - GAP,
                    right ? x + 4 : x - 4, right ? "start" : "end"));
        });
        int ly = TOP + 20;
        for (Map.Entry<String, String> e : color.entrySet()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", W - RIGHT + 14, ly - 10, e.getValue(), W - RIGHT + 30, ly,
                    esc(e.getKey())));
            ly += 18;
        }
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, int index, String label, Map<String, List<Point>> series,
            Map<String, String> color, long t0, long t1, double top, boolean step) {
        int y0 = TOP + index * (PANEL + GAP) + 8;
        s.append("<g role=\"group\" aria-label=\"").append(esc(label)).append("\">\n");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n",
                LEFT, y0, W - LEFT - RIGHT, PANEL));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", LEFT + 4, y0 + 13,
                esc(label)));
        for (int k = 0; k <= 2; k++) {
            double v = top * k / 2;
            double y = y0 + PANEL - PANEL * k / 2.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>"
                    + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n", LEFT - 6, y + 4, num(v), LEFT, y,
                    W - RIGHT, y));
        }
        if (series.values().stream().allMatch(List::isEmpty)) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text>\n", LEFT + (W - LEFT - RIGHT) / 2,
                    y0 + PANEL / 2));
        }
        series.forEach((rev, points) -> {
            if (points.isEmpty()) {
                return;
            }
            StringBuilder path = new StringBuilder();
            double lastY = Double.NaN;
            for (Point p : points) {
                double x = x(Math.max(t0, Math.min(t1, p.epochMillis())), t0, t1);
                double y = y0 + PANEL - PANEL * Math.max(0, Math.min(1, p.value() / top));
                if (path.length() == 0) {
                    path.append(String.format(Locale.ROOT, "M%.1f %.1f", x, y));
                } else {
                    if (step) {
                        path.append(String.format(Locale.ROOT, " L%.1f %.1f", x, lastY));
                    }
                    path.append(String.format(Locale.ROOT, " L%.1f %.1f", x, y));
                }
                lastY = y;
            }
            s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color.get(rev))
                    .append("\" stroke-width=\"2\"><title>").append(esc(rev + " — " + label)).append("</title></path>\n");
        });
        s.append("</g>\n");
    }

    /** The chart in words, for screen readers: what ran, how traffic moved, how it ended. */
    private static String describe(RolloutRecorder.Rollout r, Set<String> revisions) {
        StringBuilder d = new StringBuilder(r.target() + ", " + r.version() + " with " + r.strategy() + ": ");
        List<RolloutRecorder.WeightChange> w = r.weights();
        if (w.isEmpty()) {
            d.append("no traffic shift recorded");
        } else {
            d.append("traffic ");
            for (int i = 0; i < w.size(); i++) {
                d.append(i == 0 ? "" : ", then ").append(new java.util.TreeMap<>(w.get(i).weights()));
            }
        }
        r.rolledBackAt().ifPresent(at -> d.append("; rolled back: ").append(r.rollbackReason()));
        d.append("; outcome ").append(r.outcome().isEmpty() ? "unknown" : r.outcome()).append(". Revisions: ")
                .append(String.join(", ", revisions)).append('.');
        return d.toString();
    }

    /** Turns weight changes into step series per revision, ending at {@code t1}. */
    private static Map<String, List<Point>> weightSeries(RolloutRecorder.Rollout r, long t1) {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        List<RolloutRecorder.WeightChange> changes = r.weights();
        Set<String> revisions = new LinkedHashSet<>();
        changes.forEach(c -> revisions.addAll(c.weights().keySet()));
        for (String rev : revisions) {
            List<Point> pts = new ArrayList<>();
            for (RolloutRecorder.WeightChange c : changes) {
                pts.add(new Point(c.at().toEpochMilli(), c.weights().getOrDefault(rev, 0)));
            }
            if (!pts.isEmpty()) {
                pts.add(new Point(t1, pts.get(pts.size() - 1).value()));
            }
            out.put(rev, pts);
        }
        return out;
    }

    private static Map<String, List<Point>> scale(Map<String, List<Point>> series, double factor) {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        series.forEach((k, v) -> out.put(k, v.stream().map(p -> new Point(p.epochMillis(), p.value() * factor)).toList()));
        return out;
    }

    private static double max(Map<String, List<Point>> series, double factor, double floor) {
        double m = series.values().stream().flatMap(List::stream).mapToDouble(p -> p.value() * factor).max().orElse(0);
        double top = Math.max(floor, m * 1.15);
        double magnitude = Math.pow(10, Math.floor(Math.log10(top)));
        return Math.ceil(top / magnitude) * magnitude;
    }

    private static double x(long t, long t0, long t1) {
        return LEFT + (W - LEFT - RIGHT) * (double) (t - t0) / (t1 - t0);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String clock(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
