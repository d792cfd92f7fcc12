package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.testing.TestStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * docs/product.md, 'Events and conflict resolution', convergence: 1,000 keys written over REST across the three regions, a
 * tenth of them written concurrently in two or three regions, end with every region serving the
 * same value for every key and all regions' digests equal.
 */
class ConvergenceIT {

    private static final List<String> REGIONS = TestStores.REGIONS;

    private final TestCluster cluster = TestCluster.shared();
    private final RestClient rest = new RestClient(cluster.port());

    @Test
    void everyRegionConvergesToTheSameValuesAndDigest() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Write> writes = new ArrayList<>();
        Set<String> concurrentKeys = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = "conv-" + run + "-" + i;
            String home = REGIONS.get(i % REGIONS.size());
            writes.add(new Write(home, key, "v-" + i + "-" + home));
            if (i % 10 == 0) {
                // The same key written in other regions at the same moment: nobody has seen anybody's write.
                int others = i % 20 == 0 ? 2 : 1;
                for (int k = 1; k <= others; k++) {
                    String other = REGIONS.get((i + k) % REGIONS.size());
                    writes.add(new Write(other, key, "v-" + i + "-" + other));
                }
                concurrentKeys.add(key);
            }
        }
        java.util.Collections.shuffle(writes, new java.util.Random(42));

        List<RestClient.Answer> answers = Flux.fromIterable(writes)
                .flatMap(w -> rest.put(w.region(), w.key(), w.value()), 48)
                .collectList()
                .block(Duration.ofMinutes(3));
        assertThat(answers)
                .hasSize(writes.size())
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(concurrentKeys).hasSize(100);

        Set<String> keys = writes.stream().map(Write::key).collect(Collectors.toSet());
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Map<String, Map<String, Optional<String>>> served = new HashMap<>();
                    for (String region : REGIONS) {
                        served.put(
                                region,
                                Flux.fromIterable(keys)
                                        .flatMap(key -> rest.get(region, key).map(value -> Map.entry(key, value)), 32)
                                        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                                        .block(Duration.ofMinutes(1)));
                    }
                    for (String key : keys) {
                        Optional<String> usEast = served.get("us-east").get(key);
                        assertThat(usEast).as("value of %s in us-east", key).isPresent();
                        for (String region : REGIONS) {
                            assertThat(served.get(region).get(key))
                                    .as("value of %s in %s", key, region)
                                    .isEqualTo(usEast);
                        }
                    }
                });

        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<Map<String, Object>> digests = cluster.client()
                            .get()
                            .uri("/admin/digest")
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBodyList(
                                    new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
                            .returnResult()
                            .getResponseBody();
                    assertThat(digests).hasSize(3);
                    assertThat(digests)
                            .extracting(d -> d.get("digest"))
                            .containsOnly(digests.get(0).get("digest"));
                    assertThat(digests)
                            .extracting(d -> d.get("records"))
                            .containsOnly(digests.get(0).get("records"));
                });
    }

    private record Write(String region, String key, String value) {}
}
