package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A network partition: asia-pac's mirror links are cut both ways for 30 s (its cluster, replication
 * and PostgreSQL stay up) while every region takes writes, some of them concurrent writes to the same
 * keys. asia-pac keeps acknowledging its own writes, the lag of the cut region pairs shows (in seconds
 * even while nothing is written, from the mirror's heartbeats; in records once writes pile up), and
 * after the heal every region converges, the concurrent writes resolved the same way everywhere.
 * Strong writes and session reads that need the other side answer within their bounds meanwhile.
 */
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

        deployment.cutOff(CUT);
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
            boundedAnswersDuringThePartition(run, acknowledged);
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
            deployment.heal(CUT);
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

    /**
     * Requests that need another region's help answer within their bounds while the regions cannot
     * reach each other: a strong write in the cut region cannot be applied elsewhere (504 after the
     * strong timeout, and it still applies after the heal), and a session read there of a write made
     * on the other side fails over to a region that has it, or answers 504 after the session wait.
     */
    private void boundedAnswersDuringThePartition(String run, Map<String, String> acknowledged) {
        String strongKey = "partition/" + run + "/strong";
        long started = System.nanoTime();
        EntityExchangeResult<byte[]> strong = client.put()
                .uri("/kv/" + strongKey)
                .header("X-Region", CUT)
                .header("X-Consistency", "strong")
                .bodyValue("strong")
                .exchange()
                .expectBody()
                .returnResult();
        assertThat(strong.getStatus().value())
                .as("a strong write in the cut region")
                .isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        // Durable all the same: it reaches every region after the heal.
        acknowledged.put(strongKey, "strong");

        String sessionKey = "partition/" + run + "/session";
        String session = write(sessionKey, "us-east", "written in us-east")
                .getResponseHeaders()
                .getFirst("X-Session");
        acknowledged.put(sessionKey, "written in us-east");
        started = System.nanoTime();
        EntityExchangeResult<byte[]> read = client.get()
                .uri("/kv/" + sessionKey)
                .header("X-Region", CUT)
                .header("X-Session", session)
                .exchange()
                .expectBody()
                .returnResult();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        if (read.getStatus().value() == 200) {
            assertThat(read.getResponseHeaders().getFirst("X-Region")).isNotEqualTo(CUT);
            assertThat(new String(read.getResponseBody(), StandardCharsets.UTF_8))
                    .isEqualTo("written in us-east");
        } else {
            assertThat(read.getStatus().value())
                    .as("a session read in the cut region")
                    .isEqualTo(504);
        }
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
