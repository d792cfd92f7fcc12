package io.geokv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    /** Committed results live in the module's results/ directory (bench/results/ in the repository). */
    private static final Path RESULTS = Path.of("results");

    @Test
    void aReportHasEveryScenarioWithARawReferenceAndARatio() throws IOException {
        String json = BenchReport.toJson(fakeReport());
        JsonNode root = BenchReport.JSON.readTree(json);

        assertThat(BenchReportValidator.validate(json)).isEmpty();
        assertThat(root.path("machine").path("cores").asInt()).isPositive();
        for (String id : BenchReportValidator.REQUIRED_SCENARIOS) {
            JsonNode scenario = scenario(root, id);
            assertThat(scenario.has("raw_reference")).as(id).isTrue();
            assertThat(scenario.has("ratio")).as(id).isTrue();
        }
        assertThat(scenario(root, "write").path("raw_reference").path("name").asText())
                .isEqualTo("http_ceiling_get_bench_ping");
        assertThat(scenario(root, "write").path("ratio").asDouble()).isEqualTo(0.5);
        assertThat(scenario(root, "write").path("goal_met").asBoolean()).isTrue();
        assertThat(scenario(root, "read").path("goal_met").asBoolean()).isFalse();
        assertThat(scenario(root, "replay").path("raw_reference").path("name").asText())
                .isEqualTo("materialize_same_run");
        assertThat(scenario(root, "replay").path("goal_met").asBoolean()).isTrue();
        assertThat(scenario(root, "rate_limits").path("goal_met").asBoolean()).isTrue();
        assertThat(scenario(root, "lag").path("goal_of").asText()).isEqualTo("p99_ms < 250.0");
        assertThat(scenario(root, "lag").path("goal_met").asBoolean()).isTrue();
        assertThat(scenario(root, "lag_multi").path("goal_met").asBoolean()).isTrue();
        assertThat(root.path("settings").path("lag_multi").path("clusters").has("us-east"))
                .isTrue();
        assertThat(root.path("duration_ms").asLong()).isEqualTo(1334);
    }

    @Test
    void aLatencyGoalIsMetOnlyBelowItsLimit() {
        ScenarioResult.Goal goal = ScenarioResult.Goal.figureBelow("p99_ms", 250);
        assertThat(goal.met(null, Map.of("p99_ms", 249.9))).isTrue();
        assertThat(goal.met(null, Map.of("p99_ms", 250.0))).isFalse();
        assertThat(goal.met(null, Map.of())).isNull();
        assertThat(ScenarioResult.Goal.ratioAtLeast(0.6).met(0.6, Map.of())).isTrue();
    }

    @Test
    void incompleteReportsAreRefused() throws IOException {
        ObjectNode root = (ObjectNode) BenchReport.JSON.readTree(BenchReport.toJson(fakeReport()));
        ((ObjectNode) scenario(root, "write")).remove("ratio");
        ((ObjectNode) scenario(root, "read")).putNull("raw_reference");
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.path("scenarios")).remove(0); // materialize

        assertThat(BenchReportValidator.validate(root))
                .containsExactlyInAnyOrder(
                        "write: no ratio field", "write: ratio is not a number",
                        "read: raw_reference needs a name and figures", "materialize: scenario missing");
    }

    @Test
    void everyCommittedResultIsComplete() throws IOException {
        if (!Files.isDirectory(RESULTS)) {
            return;
        }
        try (Stream<Path> files = Files.list(RESULTS)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                assertThat(BenchReportValidator.validate(file))
                        .as(file.toString())
                        .isEmpty();
            }
        }
    }

    @Test
    void parsesRedisBenchmarkCsv() {
        Map<String, Object> modern = ReadScenario.parseCsv("""
                "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                "GET","90909.09","0.400","0.100","0.351","0.700","1.103","3.000"
                """);
        assertThat(modern)
                .containsEntry("rps", 90909.09)
                .containsEntry("p99_ms", 1.103)
                .containsEntry("mean_ms", 0.4);
        assertThat(ReadScenario.parseCsv("\"GET\",\"81234.50\"\n")).containsEntry("rps", 81234.5);
    }

    @Test
    void parsesTheWrkResultLineAndCountsOnlySuccessfulRequests() throws IOException {
        WrkLoad.Result r = WrkLoad.parse("""
                Running 5s test @ http://127.0.0.1:18009
                GEOKV_WRK_RESULT {"requests":1000,"duration_us":2000000,"errors":{"connect":0,"read":1,"write":0,"status":10,"timeout":2},"latency_us":{"p50":1500,"p99":9000,"p99_9":12000,"max":15000,"mean":1800.5}}
                """, "wrk 2 threads 64 connections");
        Map<String, Object> figures = r.figures();
        assertThat(figures)
                .containsEntry("throughput_rps", 495.0)
                .containsEntry("requests_ok", 990L)
                .containsEntry("errors", 13L)
                .containsEntry("p99_ms", 9.0)
                .containsEntry("p999_ms", 12.0)
                .containsEntry("max_ms", 15.0)
                .containsEntry("measured_s", 2.0)
                .containsEntry("load_generator", "wrk 2 threads 64 connections");
        assertThat(WrkLoad.script("request = nil")).contains("function done(summary, latency, requests)");
    }

    private static JsonNode scenario(JsonNode root, String id) {
        for (JsonNode s : root.path("scenarios")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no scenario " + id);
    }

    private static Map<String, Object> fakeReport() {
        Map<String, Object> http = Map.of("throughput_rps", 1000.0, "p99_ms", 2.0);
        List<ScenarioResult> results = List.of(
                new ScenarioResult(
                        "materialize",
                        "fake",
                        Map.of("records_per_s_per_region", 600.0),
                        new ScenarioResult.RawReference("jdbc_batched_upsert", Map.of("rows_per_s_per_region", 1000.0)),
                        null,
                        0.6,
                        "records/s",
                        ScenarioResult.Goal.ratioAtLeast(0.6),
                        200,
                        Map.of("events", 10),
                        5),
                new ScenarioResult(
                        "replay",
                        "fake",
                        Map.of("records_per_s", 660.0, "digest_equal", true),
                        new ScenarioResult.RawReference(
                                "materialize_same_run", Map.of("records_per_s_per_region", 600.0)),
                        null,
                        1.1,
                        "records/s",
                        ScenarioResult.Goal.ratioAtLeast(1.0),
                        200,
                        Map.of("events", 10),
                        5),
                new ScenarioResult(
                        "write",
                        "fake",
                        Map.of("throughput_rps", 500.0, "p99_ms", 9.0),
                        new ScenarioResult.RawReference("http_ceiling_get_bench_ping", http),
                        List.of(new ScenarioResult.RawReference(
                                "kafka_producer_acks_all", Map.of("records_per_s", 9e4))),
                        0.5,
                        "rps",
                        ScenarioResult.Goal.ratioAtLeast(0.5),
                        200,
                        Map.of("requests_ok", 100),
                        5),
                new ScenarioResult(
                        "read",
                        "fake",
                        Map.of("throughput_rps", 600.0),
                        new ScenarioResult.RawReference("http_ceiling_get_bench_ping", http),
                        null,
                        0.6,
                        "rps",
                        ScenarioResult.Goal.ratioAtLeast(0.7),
                        200,
                        Map.of("requests_ok", 100),
                        5),
                new ScenarioResult(
                        "read_uncached",
                        "fake",
                        Map.of("throughput_rps", 300.0),
                        new ScenarioResult.RawReference("r2dbc_select", Map.of("throughput_rps", 400.0)),
                        null,
                        0.75,
                        "rps",
                        ScenarioResult.Goal.ratioAtLeast(0.7),
                        200,
                        Map.of("requests_ok", 100),
                        5),
                new ScenarioResult(
                        "rate_limits",
                        "fake",
                        Map.of("throughput_rps", 600.0, "p99_ms", 2.2),
                        new ScenarioResult.RawReference("same_tenant_alone", http),
                        null,
                        2.0 / 2.2,
                        "raw p99_ms / p99_ms beside the noisy tenant",
                        ScenarioResult.Goal.ratioAtLeast(0.8333),
                        200,
                        Map.of("hot_keys", 10),
                        5),
                new ScenarioResult(
                        "bulk_load",
                        "fake",
                        Map.of("writes_per_s", 8000.0),
                        new ScenarioResult.RawReference("kafka_producer_events", Map.of("records_per_s", 40000.0)),
                        null,
                        0.2,
                        "writes_per_s / records_per_s",
                        null,
                        200,
                        Map.of("keys", 100),
                        5),
                new ScenarioResult(
                        "change_feed",
                        "fake",
                        Map.of("delivery_ms", Map.of("p99_ms", 40.0)),
                        new ScenarioResult.RawReference(
                                "kafka_consumer_of_the_topics", Map.of("delivery_ms", Map.of("p99_ms", 10.0))),
                        null,
                        0.25,
                        "reference p99 / feed p99 (delivery)",
                        null,
                        200,
                        Map.of("writes", 100),
                        5),
                new ScenarioResult(
                        "lag",
                        "fake",
                        Map.of("p99_ms", 120.0),
                        new ScenarioResult.RawReference("kafka_produce_to_consume", Map.of("p99_ms", 10.0)),
                        null,
                        12.0,
                        "p99_ms / raw p99_ms",
                        ScenarioResult.Goal.figureBelow("p99_ms", 250),
                        200,
                        Map.of("writes", 10),
                        5),
                new ScenarioResult(
                        "recovery",
                        "fake",
                        Map.of("seconds", 4.0),
                        null,
                        null,
                        null,
                        null,
                        ScenarioResult.Goal.figureBelow("seconds", 10),
                        200,
                        Map.of("writes_acknowledged", 10),
                        5),
                new ScenarioResult(
                        "memory",
                        "fake",
                        Map.of("rss_total_mib", 900.0),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Map.of("processes", 3),
                        1));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("connections", 64);
        Map<String, Object> single = BenchReport.build(
                "quick",
                Instant.parse("2025-01-01T00:00:00Z"),
                1234,
                new Machine(2, 8L << 30, "17", "Linux"),
                settings,
                results);
        // lag_multi runs against another deployment in the same run (when asked for): its report is merged in.
        Map<String, Object> multi = BenchReport.build(
                "quick-partial",
                Instant.parse("2025-01-01T00:01:00Z"),
                100,
                new Machine(2, 8L << 30, "17", "Linux"),
                Map.of("clusters", Map.of("us-east", "127.0.0.1:19192")),
                List.of(new ScenarioResult(
                        "lag_multi",
                        "fake",
                        Map.of("p99_ms", 150.0),
                        new ScenarioResult.RawReference("kafka_produce_to_consume", Map.of("p99_ms", 10.0)),
                        null,
                        15.0,
                        "p99_ms / raw p99_ms",
                        ScenarioResult.Goal.figureBelow("p99_ms", 250),
                        200,
                        Map.of("writes", 10),
                        5)));
        return BenchReport.merge(single, multi);
    }
}
