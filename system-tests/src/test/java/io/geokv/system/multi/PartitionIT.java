package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A network partition: asia-pac's mirror links are cut both ways for 30 s (its cluster, replication
 * and PostgreSQL stay up) while every region takes writes, some of them concurrent writes to the same
 * keys. asia-pac keeps acknowledging its own writes, the lag of the cut region pairs shows (in seconds
 * even while nothing is written, from the mirror's heartbeats; in records once writes pile up), and
 * after the heal every region converges, the concurrent writes resolved the same way everywhere.
 */
@Disabled("not passing yet. It needs MirrorMaker 2 to reach the clusters through their cuttable mirror links"
        + " (KafkaProcess#mirrorBootstrapServers), which the deployment does not do: with the links in its path"
        + " MirrorMaker 2 did not resume its flows into a cluster after a broker restart. Through the links, the cut"
        + " pairs' idle mirror seconds did not pass 5 s within 20 s (not yet understood), and flows into a cluster"
        + " unreachable for about 20 s or more were seen not to resume (tasks that did not stop in time are not"
        + " started again), which a heal after 30 s would meet: a supervisor that restarts them is the next step")
class PartitionIT {

    private static final List<String> REGIONS = MultiClusterDeployment.REGIONS;
    private static final String CUT = "asia-pac";
    private static final Duration PARTITION = Duration.ofSeconds(30);

    private final MultiClusterDeployment deployment = MultiClusterDeployment.shared();
    private final WebTestClient client = deployment.client();

    @Test
    void aRegionCutOffKeepsTakingItsWritesAndEveryRegionConvergesAfterTheHeal() throws Exception {
        deployment.awaitMirroring();
        String run = UUID.randomUUID().toString();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<String> shared = new ArrayList<>();

        deployment.broker(CUT).cutMirrorLink();
        long cutAt = System.nanoTime();
        boolean lagSeen = false;
        try {
            // Nothing written yet: no record is behind, but the links' heartbeats stop arriving.
            await("the idle cut pairs' mirror lag in seconds grows")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        JsonNode lag = deployment.lag();
                        return MultiClusterDeployment.pair(lag, CUT, "us-east")
                                                .get("mirror_lag_seconds")
                                                .asDouble()
                                        > 5
                                && MultiClusterDeployment.pair(lag, "us-east", CUT)
                                                .get("mirror_lag_seconds")
                                                .asDouble()
                                        > 5
                                && MultiClusterDeployment.pair(lag, "us-east", "eu-west")
                                                .get("mirror_lag_seconds")
                                                .asDouble()
                                        < 5;
                    });
            int n = 0;
            while (System.nanoTime() - cutAt < PARTITION.toNanos()) {
                for (String region : REGIONS) {
                    String key = "partition/" + run + "/" + region + "/" + n;
                    assertThat(write(key, region, "v" + n).getStatus().value())
                            .as("%s written in %s during the partition", key, region)
                            .isEqualTo(200);
                    acknowledged.put(key, "v" + n);
                }
                // The same key written on both sides of the cut: the writes cannot see each other.
                String both = "partition/" + run + "/shared/" + n;
                assertThat(write(both, CUT, "from " + CUT).getStatus().value()).isEqualTo(200);
                assertThat(write(both, "us-east", "from us-east").getStatus().value())
                        .isEqualTo(200);
                shared.add(both);
                n++;
                lagSeen = lagSeen || cutPairsLag();
                // Paces the load (a steady trickle, a few hundred keys to check afterwards); nothing waits on it.
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            deployment.broker(CUT).restoreMirrorLink();
        }
        long healedAt = System.nanoTime();
        assertThat(lagSeen)
                .as("during the partition, /admin/replication-lag shows the cut pairs' mirror behind")
                .isTrue();

        long convergedAt = deployment.awaitConvergence("the heal", acknowledged);
        for (String key : shared) {
            String winner = deployment.valueInPostgres(CUT, key);
            assertThat(winner).isIn("from " + CUT, "from us-east");
            for (String region : REGIONS) {
                assertThat(deployment.valueInPostgres(region, key))
                        .as("%s in %s: the same last writer everywhere", key, region)
                        .isEqualTo(winner);
            }
        }
        System.out.printf(
                "partition: %s cut off for %d s; %d writes acknowledged in every region meanwhile, %d keys"
                        + " written on both sides; every region converged %d ms after the heal%n",
                CUT,
                PARTITION.toSeconds(),
                acknowledged.size(),
                shared.size(),
                TimeUnit.NANOSECONDS.toMillis(convergedAt - healedAt));
    }

    private EntityExchangeResult<byte[]> write(String key, String region, String value) {
        return client.put()
                .uri("/kv/" + key)
                .header("X-Region", region)
                .bodyValue(value)
                .exchange()
                .expectBody()
                .returnResult();
    }

    /** Whether the cut region is behind both other regions and both are behind it, in mirrored records. */
    private boolean cutPairsLag() throws Exception {
        JsonNode lag = deployment.lag();
        boolean all = true;
        for (String other : REGIONS) {
            if (!other.equals(CUT)) {
                all &= MultiClusterDeployment.pair(lag, CUT, other)
                                        .get("mirror_lag_records")
                                        .asLong()
                                > 0
                        && MultiClusterDeployment.pair(lag, other, CUT)
                                        .get("mirror_lag_records")
                                        .asLong()
                                > 0;
            }
        }
        return all;
    }
}
