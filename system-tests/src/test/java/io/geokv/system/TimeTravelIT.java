package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Reads of the past (docs/api.md, "Time travel"): a randomized run of puts and deletes in random
 * regions is recorded with the instant each was acknowledged; {@code GET /kv/{key}?as_of=} at
 * instants between writes must answer what the recorded history says the key was then, and {@code
 * GET /history/{key}} lists each write in order.
 */
class TimeTravelIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private final WebTestClient client = TestCluster.shared().client();

    /** One acknowledged write, and the instant (ms) by which it and every write before it were appended. */
    private record Recorded(String key, String value, long appendedBy) {}

    @Test
    void readsOfThePastMatchTheRecordedHistory() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String prefix = "past-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> keys = List.of(prefix + "a", prefix + "b", prefix + "c", prefix + "d");
        List<Recorded> history = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            String region = REGIONS.get(random.nextInt(REGIONS.size()));
            String value = random.nextInt(5) == 0 ? null : "v" + i;
            WebTestClient.RequestHeadersSpec<?> request = value == null
                    ? client.delete().uri("/kv/" + key).header("X-Region", region)
                    : client.put().uri("/kv/" + key).header("X-Region", region).bodyValue(value);
            request.exchange().expectStatus().isOk();
            // Appended (its record stamped) before it was acknowledged; the next write is sent after.
            long appendedBy = System.currentTimeMillis();
            history.add(new Recorded(key, value, appendedBy));
            while (System.currentTimeMillis() <= appendedBy) {
                Thread.onSpinWait();
            }
        }

        for (int sample = 0; sample < 8; sample++) {
            int upTo = random.nextInt(history.size());
            long instant = history.get(upTo).appendedBy();
            String region = REGIONS.get(random.nextInt(REGIONS.size()));
            for (String key : keys) {
                Optional<String> expected = expectedAt(history.subList(0, upTo + 1), key);
                WebTestClient.ResponseSpec answer = client.get()
                        .uri("/kv/" + key + "?as_of=" + Instant.ofEpochMilli(instant))
                        .header("X-Region", region)
                        .exchange();
                String what = "seed " + seed + ": " + key + " as of write " + upTo + " in " + region;
                if (expected.isEmpty()) {
                    answer.expectStatus().isNotFound();
                } else {
                    answer.expectStatus()
                            .isOk()
                            .expectHeader()
                            .valueEquals("X-Source", "log")
                            .expectBody(String.class)
                            .value(value -> assertThat(value).as(what).isEqualTo(expected.get()));
                }
            }
        }

        for (String key : keys) {
            Map<String, Object> answer = client.get()
                    .uri("/history/" + key)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(JSON)
                    .returnResult()
                    .getResponseBody();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> versions = (List<Map<String, Object>>) answer.get("versions");
            List<String> recorded = history.stream()
                    .filter(write -> write.key().equals(key))
                    .map(write -> write.value() == null ? "delete" : "put " + write.value())
                    .toList();
            assertThat(versions)
                    .as("seed %d: history of %s", seed, key)
                    .extracting(v -> v.get("op").equals("delete") ? "delete" : "put " + v.get("value"))
                    .containsExactlyElementsOf(recorded);
            assertThat(versions).allSatisfy(v -> assertThat(v.get("context")).isNotNull());
        }
    }

    /** The value of the last write of {@code key} among {@code writes}, if it is not a delete. */
    private static Optional<String> expectedAt(List<Recorded> writes, String key) {
        Optional<String> value = Optional.empty();
        for (Recorded write : writes) {
            if (write.key().equals(key)) {
                value = Optional.ofNullable(write.value());
            }
        }
        return value;
    }

    @Test
    void anInstantThatIsNotOneIsRefused() {
        Map<String, String> bad = new HashMap<>();
        bad.put("yesterday", "invalid-instant");
        bad.put("2026-01-02T03:04:05", "invalid-instant");
        bad.put("9999-01-01T00:00:00Z", "invalid-instant");
        bad.forEach((instant, type) -> client.get()
                .uri("/kv/past-bad?as_of={instant}", instant)
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/" + type));
    }
}
