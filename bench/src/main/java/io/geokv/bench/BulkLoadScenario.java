package io.geokv.bench;

import io.geokv.cli.GeokvCommand;
import io.geokv.position.LogPositions;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A bulk load: {@code geokv load} (the command line, in this JVM) sends a JSON-lines file of new keys
 * through {@code POST /kv/_batch}, against a hand-written Kafka producer of the same events straight
 * to the event topics (acks=all, batched: what a user who skips the gateway would write, {@link
 * EventPipeline#produce}). Both sides' events are replicated to every region, so both run under the
 * same replication load; each is measured from its first write to its last acknowledgement (the
 * ratio), and to the moment every region has applied it. Both run once unmeasured first, with a
 * tenth of the keys, so that neither is measured cold. Reported, without a goal of its own.
 */
final class BulkLoadScenario {

    static final String ID = "bulk_load";

    private final BenchSettings s;

    BulkLoadScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int keys = s.quick() ? 10_000 : 100_000;
        int warmupKeys = keys / 10;
        Path folder = Files.createTempDirectory("geokv-bench-bulk");
        try (EventPipeline pipeline = new EventPipeline(s)) {
            Path warmup = file(folder, "bulk-warmup", warmupKeys);
            Path measured = file(folder, "bulk", keys);
            load(warmup);
            pipeline.produce("bulk-raw-warmup", warmupKeys);

            Map<String, Object> geokv = measure(pipeline, () -> load(measured));
            Map<String, Object> raw = measure(pipeline, () -> pipeline.produce("bulk-raw", keys));

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("writes_per_s", geokv.get("per_s"));
            figures.put("acknowledged_s", geokv.get("acknowledged_s"));
            figures.put("applied_everywhere_s", geokv.get("applied_everywhere_s"));
            figures.put("load", "geokv load --batch-size 500 --concurrency 4");
            Map<String, Object> reference = new LinkedHashMap<>();
            reference.put("records_per_s", raw.get("per_s"));
            reference.put("acknowledged_s", raw.get("acknowledged_s"));
            reference.put("applied_everywhere_s", raw.get("applied_everywhere_s"));
            reference.put("settings", "acks=all, linger.ms=5, batch.size=128 KiB, Avro events to the region topics");
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("keys", keys);
            counts.put("warmup_keys", warmupKeys);
            return new ScenarioResult(
                    ID,
                    keys + " new keys of " + s.valueSize() + "-byte values loaded with geokv load (POST /kv/_batch),"
                            + " against the same events produced straight to the event topics",
                    figures,
                    new ScenarioResult.RawReference("kafka_producer_events", reference),
                    List.of(),
                    (double) geokv.get("per_s") / (double) raw.get("per_s"),
                    "writes_per_s / records_per_s",
                    null,
                    s.valueSize(),
                    counts,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    private interface Load {
        void run() throws Exception;
    }

    /** Writes per second to the last acknowledgement, and the seconds until every region applied them. */
    private Map<String, Object> measure(EventPipeline pipeline, Load load) throws Exception {
        LogPositions from = pipeline.ends();
        long t0 = System.nanoTime();
        load.run();
        long acknowledged = System.nanoTime() - t0;
        LogPositions to = pipeline.ends();
        Map<String, Long> applied = pipeline.awaitApplied(s.regions(), to, t0, s.materializeTimeout());
        if (applied.containsValue(0L)) {
            throw new IllegalStateException("not every region applied the bulk load within "
                    + s.materializeTimeout().toSeconds() + " s: " + applied);
        }
        long records = to.recordsBehind(from, partition -> true);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("per_s", Figures.round(Figures.perSecond(records, acknowledged), 1));
        m.put("acknowledged_s", Figures.round(acknowledged / 1e9, 3));
        m.put(
                "applied_everywhere_s",
                Figures.round(
                        applied.values().stream()
                                        .mapToLong(Long::longValue)
                                        .max()
                                        .orElse(0)
                                / 1e9,
                        3));
        return m;
    }

    /** {@code keys} writes of new keys {@code <prefix>-<i>}, each with an ASCII value of the bench's size. */
    private Path file(Path folder, String prefix, int keys) throws Exception {
        Path file = folder.resolve(prefix + ".jsonl");
        String value = WriteScenario.body(s.valueSize());
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < keys; i++) {
                writer.write("{\"key\":\"" + prefix + "-" + i + "\",\"value\":\"" + value + "\"}");
                writer.newLine();
            }
        }
        return file;
    }

    private void load(Path file) {
        StringWriter out = new StringWriter();
        CommandLine geokv = GeokvCommand.commandLine();
        geokv.setOut(new PrintWriter(out, true));
        geokv.setErr(new PrintWriter(out, true));
        int exit = geokv.execute(
                "--url", s.gatewayUrl(), "--tenant", BenchSettings.TENANT, "load", "--no-progress", file.toString());
        if (exit != 0) {
            throw new IllegalStateException("geokv load of " + file.getFileName() + " exited " + exit + ": " + out);
        }
    }
}
