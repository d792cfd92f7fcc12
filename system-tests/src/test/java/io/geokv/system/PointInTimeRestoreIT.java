package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Resolution;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A region restored as of an instant into a side database ({@code POST /actuator/restore/<region>}
 * with {@code asOf}, scripts/replay-region.sh {@code --as-of}): as of now, its digest equals the live
 * region's; as of an instant between writes, each key holds what the log says it held then (the
 * gateway's {@code as_of} reads, which fold the log on their own).
 */
class PointInTimeRestoreIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<List<Map<String, Object>>> DIGESTS =
            new ParameterizedTypeReference<>() {};

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient gateway = cluster.client();

    @Test
    void aRegionRestoredAsOfAnInstantHoldsWhatTheLogHeldThen() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "pitr-" + run + "-";
        for (int i = 0; i < 20; i++) {
            put(prefix + i, "before-" + i);
        }
        long instant = System.currentTimeMillis();
        while (System.currentTimeMillis() <= instant) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < 10; i++) {
            put(prefix + i, "after-" + i);
        }
        gateway.delete()
                .uri("/kv/" + prefix + 15)
                .header("X-Consistency", "strong")
                .exchange()
                .expectStatus()
                .isOk();
        put(prefix + "new", "after");

        String past = "geokv_it_pitr_past_" + run;
        String now = "geokv_it_pitr_now_" + run;
        try {
            restore("eu-west", Instant.ofEpochMilli(instant), past);
            for (String key : List.of(prefix + 0, prefix + 9, prefix + 10, prefix + 15, prefix + 19, prefix + "new")) {
                Optional<String> fromTheLog = asOf(key, Instant.ofEpochMilli(instant));
                assertThat(restoredValue(past, key))
                        .as("%s restored as of the instant", key)
                        .isEqualTo(fromTheLog);
            }
            assertThat(restoredValue(past, prefix + 0)).contains("before-0");
            assertThat(restoredValue(past, prefix + "new")).isEmpty();

            // As of now, once every region has applied everything: the live region's digest.
            Map<String, Object> live = awaitEqualDigests();
            Map<String, Object> restored = restore("eu-west", Instant.now(), now);
            @SuppressWarnings("unchecked")
            Map<String, Object> digest = (Map<String, Object>) restored.get("digest");
            assertThat(digest.get("sha256")).isEqualTo(live.get("digest"));
            assertThat(((Number) digest.get("records")).longValue())
                    .isEqualTo(((Number) live.get("records")).longValue());
            assertThat(restoredValue(now, prefix + 15)).isEmpty();
            assertThat(restoredValue(now, prefix + 0)).contains("after-0");
        } finally {
            drop(past);
            drop(now);
        }
    }

    @Test
    void aBadInstantOrDatabaseIsRefused() {
        streams()
                .post()
                .uri("/actuator/restore/eu-west")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("asOf", "yesterday"))
                .exchange()
                .expectStatus()
                .isBadRequest();
        streams()
                .post()
                .uri("/actuator/restore/eu-west")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("asOf", "2026-01-01T00:00:00Z", "database", "geokv_it_eu_west"))
                .exchange()
                .expectStatus()
                .isBadRequest();
    }

    private void put(String key, String value) {
        gateway.put()
                .uri("/kv/" + key)
                .header("X-Consistency", "strong")
                .bodyValue(value)
                .exchange()
                .expectStatus()
                .isOk();
    }

    private Optional<String> asOf(String key, Instant instant) {
        var result =
                gateway.get().uri("/kv/" + key + "?as_of=" + instant).exchange().returnResult(String.class);
        return result.getStatus().value() == 404
                ? Optional.empty()
                : Optional.of(result.getResponseBody().blockFirst(Duration.ofSeconds(30)));
    }

    private Map<String, Object> restore(String region, Instant asOf, String database) {
        return streams()
                .post()
                .uri("/actuator/restore/" + region)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("asOf", asOf.toString(), "database", database))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    private WebTestClient streams() {
        int port = ((WebServerApplicationContext) cluster.replication())
                .getWebServer()
                .getPort();
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofMinutes(5))
                .build();
    }

    /** What a read of the key under last-writer-wins shows in the restored database; empty when absent. */
    private static Optional<String> restoredValue(String database, String key) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
                PreparedStatement select = c.prepareStatement("SELECT state FROM kv_state WHERE key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                KeyState state = KeyStateCodec.decode(rows.getBytes(1));
                return new LastWriterWins().resolve(state.siblings()) instanceof Resolution.Value value
                        ? Optional.of(new String(value.value(), StandardCharsets.UTF_8))
                        : Optional.empty();
            }
        }
    }

    private Map<String, Object> awaitEqualDigests() {
        return await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> gateway.get()
                                .uri("/admin/digest")
                                .exchange()
                                .expectStatus()
                                .isOk()
                                .expectBody(DIGESTS)
                                .returnResult()
                                .getResponseBody(),
                        digests -> digests.stream()
                                        .map(d -> d.get("digest"))
                                        .distinct()
                                        .count()
                                == 1)
                .stream()
                .filter(d -> "eu-west".equals(d.get("region")))
                .findFirst()
                .orElseThrow();
    }

    private static void drop(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement statement = c.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
