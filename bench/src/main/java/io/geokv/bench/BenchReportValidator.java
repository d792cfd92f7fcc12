package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a result file is complete: machine figures, and every scenario of this slice with
 * figures, a raw reference and a ratio (report-only scenarios, such as memory, have neither a goal
 * nor a reference, but still carry both fields, as null). Used by the unit test on committed
 * results and by scripts/bench.sh on the file it just wrote.
 */
public final class BenchReportValidator {

    /** Scenario ids every result file must contain. */
    public static final List<String> REQUIRED_SCENARIOS = List.of(
            "materialize",
            "replay",
            "write",
            "read",
            "read_uncached",
            "rate_limits",
            "bulk_load",
            "change_feed",
            "lag",
            "recovery",
            "memory",
            "lag_multi");
    /** The schema version that added a scenario; older files (kept as history) may lack it. */
    private static final Map<String, Integer> ADDED_IN_SCHEMA = Map.of(
            "lag",
            2,
            "read_uncached",
            3,
            "recovery",
            3,
            "lag_multi",
            4,
            "rate_limits",
            5,
            "bulk_load",
            6,
            "change_feed",
            7);

    private BenchReportValidator() {}

    /** The problems found; empty when the file is complete. */
    public static List<String> validate(Path file) {
        try {
            return validate(BenchReport.JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            return List.of(file + ": not readable JSON: " + e.getMessage());
        }
    }

    public static List<String> validate(String json) {
        try {
            return validate(BenchReport.JSON.readTree(json));
        } catch (IOException e) {
            return List.of("not readable JSON: " + e.getMessage());
        }
    }

    public static List<String> validate(JsonNode root) {
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            return List.of("the report is not a JSON object");
        }
        if (!root.path("schema_version").isInt()) {
            problems.add("schema_version is missing");
        }
        int schemaVersion = root.path("schema_version").asInt(BenchReport.SCHEMA_VERSION);
        if (!root.path("mode").isTextual()) {
            problems.add("mode is missing");
        }
        JsonNode machine = root.path("machine");
        for (String field : List.of("cores", "memory_bytes")) {
            if (!machine.path(field).isNumber() || machine.path(field).asLong() <= 0) {
                problems.add("machine." + field + " is missing or not positive");
            }
        }
        if (!machine.path("java_version").isTextual()) {
            problems.add("machine.java_version is missing");
        }
        JsonNode scenarios = root.path("scenarios");
        if (!scenarios.isArray()) {
            problems.add("scenarios is missing");
            return problems;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode s : scenarios) {
            String id = s.path("id").asText("");
            if (id.isEmpty()) {
                problems.add("a scenario has no id");
                continue;
            }
            if (!seen.add(id)) {
                problems.add(id + ": listed twice");
            }
            checkScenario(id, s, problems);
        }
        // A partial run (--only) must hold what it was asked to run.
        List<String> required = REQUIRED_SCENARIOS;
        if (root.path("only").isArray()) {
            required = new ArrayList<>();
            for (JsonNode id : root.path("only")) {
                required.add(id.asText());
            }
        }
        for (String id : required) {
            if (!seen.contains(id) && schemaVersion >= ADDED_IN_SCHEMA.getOrDefault(id, 1)) {
                problems.add(id + ": scenario missing");
            }
        }
        return problems;
    }

    private static void checkScenario(String id, JsonNode s, List<String> problems) {
        if (!s.path("figures").isObject() || s.path("figures").isEmpty()) {
            problems.add(id + ": no figures");
        }
        if (!s.has("raw_reference")) {
            problems.add(id + ": no raw_reference field");
        }
        if (!s.has("ratio")) {
            problems.add(id + ": no ratio field");
        }
        if (s.path("goal").isNull() || s.path("goal").isMissingNode()) {
            return; // reported only: reference and ratio are null by design
        }
        JsonNode raw = s.path("raw_reference");
        if (raw.isNull() && !s.path("goal_of").asText("ratio").startsWith("ratio")) {
            // An absolute goal on one of geokv's figures (recovery seconds, memory): no reference to divide by.
            if (!s.path("goal_met").isBoolean()) {
                problems.add(id + ": goal_met is not a boolean");
            }
            return;
        }
        if (!raw.isObject()
                || raw.path("name").asText("").isBlank()
                || !raw.path("figures").isObject()
                || raw.path("figures").isEmpty()) {
            problems.add(id + ": raw_reference needs a name and figures");
        }
        if (!s.path("ratio").isNumber() || !Double.isFinite(s.path("ratio").asDouble())) {
            problems.add(id + ": ratio is not a number");
        }
        if (!s.path("goal_met").isBoolean()) {
            problems.add(id + ": goal_met is not a boolean");
        }
        if (!s.path("record_size").isInt()) {
            problems.add(id + ": record_size is missing");
        }
        if (!s.path("counts").isObject() || s.path("counts").isEmpty()) {
            problems.add(id + ": counts are missing");
        }
    }
}
