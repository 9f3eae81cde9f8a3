package dev.jgrad.cli.bench;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import dev.jgrad.engine.backend.ProfilingBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of {@code jgrad bench <model workload> --profile}: each backend kernel on each shape, per step, the
 * most time first, and what the step spent outside backend calls (autograd, host-only ops such as dropout's
 * mask stream, the Java around the kernels).
 */
public final class ProfileReport {
    private ProfileReport() {}

    /** One row per kernel and shape, per step: calls, ms, share of the step, GFLOP/s for products. */
    public static List<Map<String, Object>> rows(List<ProfilingBackend.Entry> entries, int steps, double stepMs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ProfilingBackend.Entry e : entries) {
            Map<String, Object> r = new LinkedHashMap<>();
            double ms = e.nanos() / 1e6 / steps;
            r.put("kernel", e.kernel());
            r.put("calls", round((double) e.calls() / steps));
            r.put("ms", round(ms));
            r.put("share", round(ms / stepMs));
            if (e.flops() > 0) r.put("gflops", round(e.flops() / e.nanos()));
            rows.add(r);
        }
        return rows;
    }

    /** Milliseconds per step outside backend calls: the step's mean time less every kernel's. */
    public static double outsideMs(List<ProfilingBackend.Entry> entries, int steps, double stepMs) {
        double inside = 0;
        for (ProfilingBackend.Entry e : entries) inside += e.nanos() / 1e6 / steps;
        return Math.max(0, stepMs - inside);
    }

    /** The first {@code top} rows as a terminal table, then the rest and the time outside backend calls. */
    public static String table(List<ProfilingBackend.Entry> entries, int steps, double stepMs, int top) {
        List<Map<String, Object>> rows = rows(entries, steps, stepMs);
        List<Map<String, Object>> shown = new ArrayList<>(rows.subList(0, Math.min(top, rows.size())));
        if (rows.size() > top) {
            double ms = 0, calls = 0;
            for (Map<String, Object> r : rows.subList(top, rows.size())) {
                ms += (double) r.get("ms");
                calls += (double) r.get("calls");
            }
            shown.add(summary("(" + (rows.size() - top) + " more kernels)", calls, ms, stepMs));
        }
        shown.add(summary("(outside backend calls)", Double.NaN, outsideMs(entries, steps, stepMs), stepMs));
        return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, shown, List.of(
                new Column().header("share").dataAlign(HorizontalAlign.RIGHT).with(r -> pct((double) r.get("share"))),
                new Column().header("ms/step").dataAlign(HorizontalAlign.RIGHT).with(r -> fmt("%.2f", (double) r.get("ms"))),
                new Column().header("calls/step").dataAlign(HorizontalAlign.RIGHT).with(r -> fmt("%.1f", (double) r.get("calls"))),
                new Column().header("GFLOP/s").dataAlign(HorizontalAlign.RIGHT)
                        .with(r -> r.containsKey("gflops") ? fmt("%.1f", (double) r.get("gflops")) : ""),
                new Column().header("kernel and shape").dataAlign(HorizontalAlign.LEFT).with(r -> (String) r.get("kernel"))));
    }

    private static Map<String, Object> summary(String label, double calls, double ms, double stepMs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kernel", label);
        r.put("calls", calls);
        r.put("ms", ms);
        r.put("share", ms / stepMs);
        return r;
    }

    private static String pct(double share) {
        return fmt("%.1f%%", 100 * share);
    }

    private static String fmt(String f, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, f, v);
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.4g", v));
    }
}
