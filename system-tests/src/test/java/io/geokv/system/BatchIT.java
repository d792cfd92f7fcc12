package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code POST /kv/_batch}: many writes in one round trip, each with its own result (docs/api.md, "Batches"). */
class BatchIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private final WebTestClient client = TestCluster.shared().client();

    @Test
    void everyWriteOfABatchIsReadableInEveryRegion() {
        String prefix = "batch-" + UUID.randomUUID() + "/";
        client.put()
                .uri("/kv/" + prefix + "gone")
                .bodyValue("soon")
                .exchange()
                .expectStatus()
                .isOk();
        List<Map<String, Object>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add(Map.of("key", prefix + i, "value", "v" + i));
        }
        writes.add(Map.of("key", prefix + "binary", "value", "AAEC/w==", "value_encoding", "base64"));
        writes.add(Map.of("key", prefix + "gone", "delete", true));

        Map<String, Object> answer = batch(writes, "eu-west")
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();

        assertThat(answer).containsEntry("region", "eu-west").containsEntry("succeeded", 202);
        List<Map<String, Object>> results = results(answer);
        assertThat(results).hasSize(202);
        for (int i = 0; i < 202; i++) {
            assertThat(results.get(i))
                    .containsEntry("key", writes.get(i).get("key"))
                    .containsEntry("status", 200);
            assertThat(results.get(i).get("event_id")).isNotNull();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String region : REGIONS) {
                client.get()
                        .uri("/regions/" + region + "/kv/" + prefix + 199)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("v199");
                client.get()
                        .uri("/regions/" + region + "/kv/" + prefix + "binary")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(byte[].class)
                        .isEqualTo(new byte[] {0, 1, 2, (byte) 0xff});
                client.get()
                        .uri("/regions/" + region + "/kv/" + prefix + "gone")
                        .exchange()
                        .expectStatus()
                        .isNotFound();
            }
        });
    }

    @Test
    void itsSessionCoversEveryWriteWhereverTheNextReadGoes() {
        String prefix = "batch-session-" + UUID.randomUUID() + "/";
        List<Map<String, Object>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(Map.of("key", prefix + i, "value", "s" + i));
        }
        String session = batch(writes, "us-east")
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Session");

        // No waiting: a session read waits for the region to have applied the batch.
        for (int i : List.of(0, 24, 49)) {
            client.get()
                    .uri("/kv/" + prefix + i)
                    .header("X-Region", "asia-pac")
                    .header("X-Session", session)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .isEqualTo("s" + i);
        }
    }

    @Test
    void aBadWriteFailsAloneWithTheProblemItWouldHaveHadAlone() {
        String prefix = "batch-bad-" + UUID.randomUUID() + "/";
        List<Map<String, Object>> writes = List.of(
                Map.of("key", prefix + "good", "value", "ok"),
                Map.of("key", prefix + "bad\u0001key", "value", "x"),
                Map.of("key", prefix + "both", "value", "x", "delete", true),
                Map.of("key", prefix + "context", "value", "x", "context", "forged"),
                Map.of("key", prefix + "encoding", "value", "x", "value_encoding", "rot13"),
                Map.of("key", prefix + "also-good", "value", "ok"));

        List<Map<String, Object>> results = results(batch(writes, "us-east")
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody());

        assertThat(results).extracting(result -> result.get("status")).containsExactly(200, 400, 400, 400, 400, 200);
        assertThat(results)
                .extracting(result -> result.get("type"))
                .containsExactly(
                        null, "invalid-key", "invalid-batch-write", "invalid-context", "invalid-batch-write", null);
        assertThat(results.get(1).get("detail")).isNotNull();
        client.get()
                .uri("/regions/us-east/kv/" + prefix + "also-good")
                .header("X-Consistency", "strong")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aBatchThatIsNotOneIsRefusedWhole() {
        refused(
                client.post()
                        .uri("/kv/_batch")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"writes\": []}"),
                "invalid-batch");
        refused(
                client.post()
                        .uri("/kv/_batch")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"writes\": [{\"value\": \"no key\"}]}"),
                "invalid-batch");
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(Map.of("key", "k" + i, "value", "v"));
        }
        refused(
                client.post()
                        .uri("/kv/_batch")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("writes", tooMany)),
                "batch-too-large");
        client.post()
                .uri("/kv/_batch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"writes\": [")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private WebTestClient.ResponseSpec batch(List<Map<String, Object>> writes, String region) {
        return client.post()
                .uri("/kv/_batch")
                .header("X-Region", region)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("writes", writes))
                .exchange();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("results");
    }

    private static void refused(WebTestClient.RequestHeadersSpec<?> request, String type) {
        request.exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.BAD_REQUEST)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/" + type);
    }
}
