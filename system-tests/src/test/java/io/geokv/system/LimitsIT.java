package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.tokens.ClientTokens;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * The key limits (geokv.limits.*, defaults: 1 MiB values, 12 siblings, 16 MiB states) hold whatever
 * clients write: concurrent large values and hundreds of concurrent writes to one key from every
 * region never stop replication, the key answers within the limits, and a write that would keep
 * more concurrent values than allowed is refused with 409 until the conflict is resolved.
 */
class LimitsIT {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient client = cluster.client();
    private final RestClient rest = new RestClient(cluster.port());
    private final ClientTokens tokens = cluster.gateway().getBean(ClientTokens.class);

    @Test
    void concurrentLargeWritesFromEveryRegionNeverStopReplication() {
        String key = "large-" + UUID.randomUUID();
        Flux.fromIterable(REGIONS)
                .flatMap(region -> rest.put(region, key, region + "x".repeat(600 * 1024)), REGIONS.size())
                .doOnNext(answer -> assertThat(answer.status()).isEqualTo(200))
                .blockLast(Duration.ofSeconds(30));

        assertEveryRegionStillReplicates();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String region : REGIONS) {
                KeyState state = state(region, key);
                assertThat(state).isNotNull();
                assertThat(state.version()).isEqualTo(3);
                client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .exchange()
                        .expectStatus()
                        .isOk();
            }
        });
    }

    @Test
    void hundredsOfConcurrentWritesToOneKeyFromEveryRegionStayWithinTheLimits() {
        String key = "hot-" + UUID.randomUUID();
        Flux.range(0, 300)
                .flatMap(i -> rest.put(REGIONS.get(i % REGIONS.size()), key, "v" + i), 48)
                .doOnNext(answer -> assertThat(answer.status()).isEqualTo(200))
                .blockLast(Duration.ofMinutes(1));

        assertEveryRegionStillReplicates();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String region : REGIONS) {
                KeyState state = state(region, key);
                assertThat(state.version()).isEqualTo(300);
                assertThat(state.siblings()).hasSizeLessThanOrEqualTo(12);
                client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .exchange()
                        .expectStatus()
                        .isOk();
            }
        });
    }

    @Test
    void aContextWriteThatWouldKeepTooManySiblingsIsRefusedUntilTheyAreResolved() throws Exception {
        String key = "siblings-" + UUID.randomUUID();
        String nothingSeen = tokens.context(VersionVector.empty(), "default", key);
        for (int i = 0; i < 4; i++) {
            for (String region : REGIONS) {
                client.put()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .header("X-Context", nothingSeen)
                        .bodyValue("concurrent " + region + " " + i)
                        .exchange()
                        .expectStatus()
                        .isOk();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            KeyState state = state("us-east", key);
            assertThat(state.version()).isEqualTo(12);
            assertThat(state.siblings()).as("4 per region, none superseded").hasSize(12);
        });

        EntityExchangeResult<byte[]> refused = client.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .header("X-Context", nothingSeen)
                .bodyValue("one too many")
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .returnResult();
        JsonNode problem = JSON.readTree(refused.getResponseBody());
        assertThat(problem.get("type").asText()).endsWith("/too-many-siblings");
        assertThat(problem.get("detail").asText()).contains("keeps at most 12");

        // A blind write covers what the region holds: it resolves them, and is accepted.
        client.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("resolved")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", "eu-west")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("resolved"));
    }

    /** A write after the storm reaches every region within {@link #PROBE_DEADLINE}: replication never stopped. */
    private void assertEveryRegionStillReplicates() {
        for (String origin : REGIONS) {
            String probe = "probe-" + UUID.randomUUID();
            client.put()
                    .uri("/kv/" + probe)
                    .header("X-Region", origin)
                    .bodyValue("p")
                    .exchange()
                    .expectStatus()
                    .isOk();
            for (String region : REGIONS) {
                await().atMost(PROBE_DEADLINE)
                        .untilAsserted(() -> client.get()
                                .uri("/kv/" + probe)
                                .header("X-Region", region)
                                .exchange()
                                .expectStatus()
                                .isOk());
            }
        }
    }

    private KeyState state(String region, String key) {
        return cluster.stores().get(region).reader().find("default", key).block(Duration.ofSeconds(10));
    }
}
