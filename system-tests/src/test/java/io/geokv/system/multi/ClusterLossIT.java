package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One region's Kafka cluster dies (SIGKILL of its broker) under a steady load of writes to every
 * region: the other regions keep taking writes and replicating between them, writes routed to the
 * dead region fail over, and once the broker is back every region converges with every acknowledged
 * write.
 */
class ClusterLossIT {

    private static final List<String> REGIONS = MultiClusterDeployment.REGIONS;
    private static final String DEAD = "asia-pac";

    private final MultiClusterDeployment deployment = MultiClusterDeployment.shared();
    private final WebTestClient client = deployment.client();

    @Test
    void aRegionWhoseClusterDiesHasItsWritesFailedOverAndEveryRegionConvergesAfterItsRestart() throws Exception {
        deployment.awaitMirroring();
        String run = UUID.randomUUID().toString();
        Map<String, String> refusedOutsideTheDeadRegion = new ConcurrentHashMap<>();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstFailoverAt = new AtomicLong(Long.MAX_VALUE);
        WriteLoad load = new WriteLoad(client, "cluster-loss/" + run, REGIONS, answer -> {
            boolean afterKill = System.nanoTime() > killedAt.get();
            if (answer.acknowledged()) {
                if (answer.region().equals(DEAD) && afterKill && answer.failover() != null) {
                    assertThat(answer.failover()).startsWith(DEAD + "->");
                    firstFailoverAt.accumulateAndGet(System.nanoTime(), Math::min);
                }
            } else if (!answer.region().equals(DEAD)) {
                refusedOutsideTheDeadRegion.put(
                        answer.key(), answer.result().getStatus() + " " + body(answer.result()));
            }
        });
        Map<String, String> acknowledged = load.acknowledged();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 60);
            deployment.broker(DEAD).kill();
            killedAt.set(System.nanoTime());

            await("a write routed to " + DEAD + " fails over")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> firstFailoverAt.get() != Long.MAX_VALUE);
            String probe = "cluster-loss/" + run + "/between-the-living";
            client.put()
                    .uri("/kv/" + probe)
                    .header("X-Region", "us-east")
                    .bodyValue("alive")
                    .exchange()
                    .expectStatus()
                    .isOk();
            await("us-east's write reaches eu-west while " + DEAD + " is down")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> "alive".equals(deployment.valueInPostgres("eu-west", probe)));
            acknowledged.put(probe, "alive");
        } finally {
            load.close();
            if (!deployment.broker(DEAD).isAlive()) {
                deployment.broker(DEAD).restart();
            }
        }
        long restartedAt = System.nanoTime();

        assertThat(refusedOutsideTheDeadRegion)
                .as("writes routed to the living regions")
                .isEmpty();
        long convergedAt = deployment.awaitConvergence("the restart", acknowledged);
        System.out.printf(
                "cluster loss: %s's broker killed under load; its writes failed over after %d ms; after its"
                        + " restart every region converged in %d ms; %d acknowledged writes, none lost%n",
                DEAD,
                TimeUnit.NANOSECONDS.toMillis(firstFailoverAt.get() - killedAt.get()),
                TimeUnit.NANOSECONDS.toMillis(convergedAt - restartedAt),
                acknowledged.size());
    }

    private static String body(EntityExchangeResult<byte[]> result) {
        byte[] body = result.getResponseBody();
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}
