package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The seed-compatible endpoints answer with exactly the JSON shapes of docs/product.md, 'HTTP API'. */
class SeedApiIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    private final WebTestClient client = TestCluster.shared().client();

    @Test
    void writeAnswersWithPrimaryRegionAndReplicas() {
        Map<String, Object> body = client.post()
                .uri("/write")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", "seed-" + UUID.randomUUID(), "value", "v"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        assertThat(body).containsOnlyKeys("primary_region", "replicated_to");
        assertThat(body.get("primary_region")).isEqualTo("US-EAST");
        assertThat(body.get("replicated_to")).isEqualTo(List.of("EU-WEST", "ASIA-PAC"));
    }

    @Test
    void writeInAnotherRegionIsReadEverywhere() {
        String key = "seed-" + UUID.randomUUID();
        Map<String, Object> written = client.post()
                .uri("/write")
                .header("X-Region", "EU-WEST")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", key, "value", "bonjour"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        assertThat(written)
                .containsEntry("primary_region", "EU-WEST")
                .containsEntry("replicated_to", List.of("US-EAST", "ASIA-PAC"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> read = client.get()
                    .uri("/read/" + key)
                    .header("X-Region", "asia-pac")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(JSON)
                    .returnResult()
                    .getResponseBody();
            assertThat(read).containsOnlyKeys("value", "region", "source", "latency_ms");
            assertThat(read).containsEntry("value", "bonjour").containsEntry("region", "ASIA-PAC");
            assertThat(read.get("source")).isIn("cache", "db");
            assertThat(read.get("latency_ms")).isInstanceOf(Number.class);
        });
    }

    @Test
    void statsListEveryRegionWithItsRecordCount() {
        String key = "seed-" + UUID.randomUUID();
        client.post()
                .uri("/write")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", key, "value", "counted"))
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> stats = client.get()
                    .uri("/stats")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(JSON)
                    .returnResult()
                    .getResponseBody();
            assertThat(stats).containsOnlyKeys("regions", "healthy_regions", "replication_enabled");
            assertThat(stats).containsEntry("healthy_regions", 3).containsEntry("replication_enabled", true);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> regions = (List<Map<String, Object>>) stats.get("regions");
            assertThat(regions).extracting(r -> r.get("region")).containsExactly("US-EAST", "EU-WEST", "ASIA-PAC");
            assertThat(regions).allSatisfy(region -> {
                assertThat(region).containsOnlyKeys("region", "total_records", "healthy");
                assertThat(region).containsEntry("healthy", true);
                assertThat(((Number) region.get("total_records")).longValue()).isPositive();
            });
        });
    }

    @Test
    void healthReportsEveryRegion() {
        Map<String, Object> health = client.get()
                .uri("/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        assertThat(health).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> regions = (List<Map<String, Object>>) health.get("regions");
        assertThat(regions).extracting(r -> r.get("region")).containsExactly("us-east", "eu-west", "asia-pac");
        assertThat(regions).allSatisfy(region -> assertThat(region).containsEntry("healthy", true));
    }
}
