package io.geokv.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario measured: geokv's figures, the raw component measured in the same run
 * (same machine, same record size), and the ratio between them.
 *
 * @param id              scenario id (materialize, replay, write, read, memory; later lag)
 * @param description     one sentence: what was measured
 * @param figures         geokv's figures (throughput, latency percentiles in ms, ...)
 * @param rawReference    the raw component the ratio is taken against; null for report-only scenarios
 * @param otherReferences further raw components measured for context (no ratio goal)
 * @param ratio           geokv figure / raw figure (see {@code ratioOf}); null for report-only scenarios
 * @param ratioOf         which figures the ratio divides
 * @param goal            what the issue asks for; null when the scenario is only reported
 * @param recordSize      value size in bytes; null when not applicable
 * @param counts          how many records/requests/errors were involved
 * @param durationMs      wall time of the whole scenario, references included
 */
public record ScenarioResult(
        String id,
        String description,
        Map<String, Object> figures,
        RawReference rawReference,
        List<RawReference> otherReferences,
        Double ratio,
        String ratioOf,
        Goal goal,
        Integer recordSize,
        Map<String, Object> counts,
        long durationMs) {

    /** A raw component's name and figures. */
    public record RawReference(String name, Map<String, Object> figures) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("figures", figures);
            return m;
        }
    }

    /**
     * A goal: by default the ratio must reach {@code value}; with a {@code figure}, that figure of
     * geokv's (a latency, say) must stay below {@code value} instead; with a {@code floorFigure}, that
     * figure must also reach {@code floor} (a latency goal holds only at the rate it was asked for).
     */
    public record Goal(double value, String figure, String floorFigure, Double floor) {

        public static Goal ratioAtLeast(double value) {
            return new Goal(value, null, null, null);
        }

        public static Goal figureBelow(String figure, double value) {
            return new Goal(value, figure, null, null);
        }

        /** The same goal, which also needs {@code figure} to be at least {@code floor}. */
        public Goal andAtLeast(String figure, double floor) {
            return new Goal(value, this.figure, figure, floor);
        }

        String describe() {
            String main = figure == null ? "ratio >= " + value : figure + " < " + value;
            return floorFigure == null ? main : main + " and " + floorFigure + " >= " + floor;
        }

        Boolean met(Double ratio, Map<String, Object> figures) {
            Boolean main;
            if (figure == null) {
                main = ratio == null ? null : ratio >= value;
            } else {
                main = figures.get(figure) instanceof Number n ? n.doubleValue() < value : null;
            }
            if (floorFigure == null || main == null || !main) {
                return main;
            }
            return figures.get(floorFigure) instanceof Number n ? n.doubleValue() >= floor : null;
        }
    }

    public ScenarioResult {
        figures = figures == null ? Map.of() : figures;
        otherReferences = otherReferences == null ? List.of() : List.copyOf(otherReferences);
        counts = counts == null ? Map.of() : counts;
    }

    /** Whether the goal was met; null when there is no goal or nothing to judge it by. */
    public Boolean goalMet() {
        return goal == null ? null : goal.met(ratio, figures);
    }

    /** The JSON shape (snake_case keys, stable order). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("description", description);
        m.put("figures", figures);
        m.put("raw_reference", rawReference == null ? null : rawReference.toMap());
        m.put(
                "other_references",
                otherReferences.stream().map(RawReference::toMap).toList());
        m.put("ratio", ratio == null ? null : Figures.round(ratio, 4));
        m.put("ratio_of", ratioOf);
        m.put("goal", goal == null ? null : goal.value());
        m.put("goal_of", goal == null ? null : goal.describe());
        m.put("goal_met", goalMet());
        m.put("record_size", recordSize);
        m.put("counts", counts);
        m.put("duration_ms", durationMs);
        return m;
    }
}
