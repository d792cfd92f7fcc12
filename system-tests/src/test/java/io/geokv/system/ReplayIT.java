package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.testing.TestStores;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * A wiped region is rebuilt from the topics by the replay endpoint that scripts/replay-region.sh
 * calls, and ends with the same digest as the regions that were never wiped.
 */
class ReplayIT {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> DIGESTS =
            new ParameterizedTypeReference<>() {};

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient gateway = cluster.client();
    private final RestClient rest = new RestClient(cluster.port());

    @Test
    void wipedRegionIsRebuiltToTheSameDigest() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Flux.range(0, 300)
                .flatMap(i -> rest.put(TestStores.REGIONS.get(i % 3), "replay-" + run + "-" + (i % 250), "v" + i), 32)
                .doOnNext(answer -> assertThat(answer.status()).isEqualTo(200))
                .blockLast(Duration.ofMinutes(1));
        List<Map<String, Object>> before = awaitEqualDigests();

        RegionStore euWest = cluster.replication().getBean(RegionStores.class).get("eu-west");
        euWest.database().truncate();
        euWest.cache().flush();
        assertThat(digestOf("eu-west").get("records")).isEqualTo(0);

        int streamsPort = ((WebServerApplicationContext) cluster.replication())
                .getWebServer()
                .getPort();
        WebTestClient streams = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + streamsPort)
                .responseTimeout(Duration.ofMinutes(3))
                // Every test's meters are in the shared replication-streams: well over the default 256 KiB.
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
        Map<String, Object> replayed = streams.post()
                .uri("/actuator/replay/eu-west")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
        assertThat(replayed).containsEntry("region", "eu-west");
        // The alert GeokvReplayRunning (monitoring/prometheus) watches this gauge: 1 only while a replay runs.
        String metrics = streams.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(metrics).contains("geokv_replay_running{region=\"eu-west\"} 0.0");

        List<Map<String, Object>> after = awaitEqualDigests();
        assertThat(((Number) digestOf("eu-west").get("records")).longValue())
                .isGreaterThanOrEqualTo(((Number) before.get(1).get("records")).longValue());
        assertThat(after)
                .extracting(d -> d.get("digest"))
                .containsOnly(after.get(0).get("digest"));

        // Replication of eu-west runs again after the replay.
        String key = "replay-after-" + run;
        gateway.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("later")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> gateway.get()
                        .uri("/kv/" + key)
                        .header("X-Region", "eu-west")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("later"));
    }

    private Map<String, Object> digestOf(String region) {
        return gateway
                .get()
                .uri("/admin/digest")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(DIGESTS)
                .returnResult()
                .getResponseBody()
                .stream()
                .filter(d -> region.equals(d.get("region")))
                .findFirst()
                .orElseThrow();
    }

    private List<Map<String, Object>> awaitEqualDigests() {
        return await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> gateway.get()
                                .uri("/admin/digest")
                                .exchange()
                                .expectBody(DIGESTS)
                                .returnResult()
                                .getResponseBody(),
                        digests -> digests.size() == 3
                                && digests.stream()
                                                .map(d -> d.get("digest"))
                                                .distinct()
                                                .count()
                                        == 1
                                && ((Number) digests.get(0).get("records")).longValue() > 0);
    }
}
