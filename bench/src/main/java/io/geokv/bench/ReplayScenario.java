package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.geokv.position.LogPositions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds one region (the deployment's second) from the topics through replication-streams'
 * {@code POST /actuator/replay/<region>}, which answers once the region has caught up. Reference, on
 * equal footing: the live path of that region alone over as many events, measured right after (every
 * region paused, the same number of new events produced, that region resumed alone, until its
 * applied offsets cover them; then the others catch up, untimed).
 */
final class ReplayScenario {

    static final String ID = "replay";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DIGEST_TIMEOUT = Duration.ofSeconds(60);

    private final BenchSettings s;
    private final String region;
    /** The region whose digest the replayed one must equal. */
    private final String comparedRegion;

    ReplayScenario(BenchSettings settings) {
        this.s = settings;
        if (settings.regions().size() < 2) {
            throw new IllegalArgumentException("replay compares a rebuilt region with another: it needs two regions");
        }
        this.region = settings.regions().get(1);
        this.comparedRegion = settings.regions().get(0);
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
        HttpRequest replay = HttpRequest.newBuilder(URI.create(s.streamsUrl() + "/actuator/replay/" + region))
                .timeout(s.replayTimeout())
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        long t0 = System.nanoTime();
        HttpResponse<String> answer = client.send(replay, HttpResponse.BodyHandlers.ofString());
        long wallNanos = System.nanoTime() - t0;
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /actuator/replay/" + region + " answered " + answer.statusCode()
                    + ": " + abbreviate(answer.body()));
        }
        JsonNode result = BenchReport.JSON.readTree(answer.body());
        long events = result.path("eventsReplayed").asLong(-1);
        long durationMs = result.path("durationMs").asLong(-1);
        long records = result.path("records").asLong(-1);
        String digest = result.path("digest").asText("");
        if (events < 0 || durationMs <= 0 || records < 0 || digest.isEmpty()) {
            throw new IllegalStateException("unexpected replay answer: " + abbreviate(answer.body()));
        }

        String comparedDigest = gatewayDigest(client, comparedRegion);
        boolean digestEqual = digest.equals(comparedDigest);
        double rate = events / (durationMs / 1000.0);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("records_per_s", Figures.round(rate, 1));
        figures.put("events_replayed", events);
        figures.put("duration_ms", durationMs);
        figures.put("request_s", Figures.round(wallNanos / 1e9, 3));
        figures.put("records", records);
        figures.put("digest_equal", digestEqual);
        figures.put("region", region);
        figures.put("compared_with", comparedRegion);

        Map<String, Object> raw = liveAlone(events);
        double live = ((Number) raw.get("records_per_s")).doubleValue();

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("events", events);
        counts.put("live_events", events);
        counts.put("records", records);
        return new ScenarioResult(
                ID,
                "region " + region + " rebuilt from the topics (" + events + " events) through POST /actuator/replay; "
                        + "its digest compared with " + comparedRegion + "'s",
                figures,
                new ScenarioResult.RawReference("live_one_region", raw),
                List.of(),
                Figures.ratio(rate, live),
                "records_per_s / live_one_region records_per_s",
                ScenarioResult.Goal.ratioAtLeast(1.5),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The live path of the replayed region alone over {@code events} new events: every region paused
     * while they are produced, then only this one resumed and timed until its applied offsets cover
     * them; the others then catch up before the next scenario.
     */
    private Map<String, Object> liveAlone(long events) throws Exception {
        if (events > Integer.MAX_VALUE) {
            throw new IllegalStateException("too many events for the live reference: " + events);
        }
        try (EventPipeline pipeline = new EventPipeline(s)) {
            LogPositions to;
            pipeline.pause(s.regions());
            try {
                pipeline.produce("r-" + Long.toString(System.currentTimeMillis(), 36), (int) events);
                to = pipeline.ends();
            } finally {
                pipeline.resume(List.of(region));
            }
            long t0 = System.nanoTime();
            long nanos;
            try {
                nanos = pipeline.awaitApplied(List.of(region), to, t0, s.replayTimeout())
                        .get(region);
            } finally {
                pipeline.resume(
                        s.regions().stream().filter(r -> !r.equals(region)).toList());
            }
            if (nanos == 0) {
                throw new IllegalStateException(
                        region + " alone did not apply " + events + " live events within " + s.replayTimeout());
            }
            Map<String, Long> caughtUp = pipeline.awaitApplied(s.regions(), to, System.nanoTime(), s.replayTimeout());
            if (caughtUp.containsValue(0L)) {
                throw new IllegalStateException("the other regions did not catch up after the live reference");
            }
            Map<String, Object> raw = new LinkedHashMap<>();
            raw.put("records_per_s", Figures.round(Figures.perSecond(events, nanos), 1));
            raw.put("events", events);
            raw.put("seconds", Figures.round(nanos / 1e9, 3));
            return raw;
        }
    }

    /** The region's digest from the gateway's {@code GET /admin/digest}. */
    private String gatewayDigest(HttpClient client, String region) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/admin/digest"))
                .timeout(DIGEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> answer = client.send(get, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "GET /admin/digest answered " + answer.statusCode() + ": " + abbreviate(answer.body()));
        }
        for (JsonNode view : BenchReport.JSON.readTree(answer.body())) {
            if (region.equals(view.path("region").asText())) {
                return view.path("digest").asText("");
            }
        }
        throw new IllegalStateException("GET /admin/digest has no region " + region + ": " + abbreviate(answer.body()));
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
