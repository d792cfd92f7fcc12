package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Disaster recovery: us-east's cluster is lost under load (its broker killed, not started again
 * until the end). Its mirror links fail first, one after the other, as a failing site's would: its
 * last writes reach eu-west but not asia-pac, and its very last ones neither. The recovery point the
 * gateway shows for us-east at the loss counts exactly the acknowledged writes no surviving region
 * received; the survivors are given each other's copies of us-east's events (a salvage), eu-west is
 * rebuilt from its own cluster alone, and it then has asia-pac's digest. When us-east's cluster
 * comes back, what it alone had reaches every region.
 */
class DisasterRecoveryIT {

    private static final List<String> REGIONS = MultiClusterDeployment.REGIONS;
    private static final String LOST = "us-east";
    private static final String REBUILT = "eu-west";
    private static final String WITNESS = "asia-pac";

    private final MultiClusterDeployment deployment = MultiClusterDeployment.shared();
    private final WebTestClient client = deployment.client();

    @Test
    void aRegionRebuiltFromItsOwnClusterAfterAnotherClusterIsLostMatchesTheOtherSurvivor() throws Exception {
        deployment.awaitMirroring();
        String run = UUID.randomUUID().toString();
        // Writes the lost region acknowledged itself (no failover): those its loss can take away.
        Set<String> acknowledgedByLost = ConcurrentHashMap.newKeySet();
        WriteLoad load = new WriteLoad(client, "disaster/" + run, REGIONS, answer -> {
            if (answer.acknowledged() && answer.region().equals(LOST) && answer.failover() == null) {
                acknowledgedByLost.add(answer.key());
            }
        });
        Map<String, String> acknowledged = load.acknowledged();
        JsonNode recoveryPoint;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 150);
            deployment.cutMirrorLink(LOST, WITNESS);
            awaitMoreWritesBy(acknowledgedByLost, 20);
            deployment.cutMirrorLink(LOST, REBUILT);
            awaitMoreWritesBy(acknowledgedByLost, 20);
            deployment.broker(LOST).kill();
            recoveryPoint = await("the recovery point of " + LOST + " shows its loss")
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> recoveryPoint(LOST),
                            point -> !point.get("reachable").asBoolean());
            // The surviving regions keep taking writes (us-east's fail over to them) for a while.
            int before = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 60);
        } finally {
            load.close();
        }
        try {
            Map<String, Object> salvaged = post(client, "/admin/regions/" + LOST + "/salvage");
            String survivors = awaitSurvivorsAgree("the salvage");
            Map<String, Object> replayed = post(deployment.replicationActuator(), "/replay/" + REBUILT);
            assertThat(replayed).containsEntry("region", REBUILT).containsEntry("digest", survivors);
            assertThat(awaitSurvivorsAgree("the rebuild")).isEqualTo(survivors);

            List<String> missing = acknowledgedByLost.stream()
                    .filter(key -> deployment.valueInPostgres(WITNESS, key) == null)
                    .toList();
            assertThat(recoveryPoint.get("unmirrored_records").asLong())
                    .as(
                            "the recovery point shown at the loss: %s; writes only %s had: %s",
                            recoveryPoint, LOST, missing)
                    .isEqualTo(missing.size())
                    .isPositive();
            assertThat(recoveryPoint.get("unmirrored_seconds").asDouble()).isPositive();
            assertThat(((Map<?, ?>) salvaged.get("records_copied")).get(WITNESS))
                    .as("what only %s had of %s is given to %s", REBUILT, LOST, WITNESS)
                    .isNotEqualTo(0);
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                if (!missing.contains(write.getKey())) {
                    assertThat(deployment.valueInPostgres(REBUILT, write.getKey()))
                            .as("%s in the rebuilt %s", write.getKey(), REBUILT)
                            .isEqualTo(write.getValue());
                }
            }
            System.out.printf(
                    "disaster recovery: %s's cluster lost under load after %d acknowledged writes; recovery point at"
                            + " the loss %d records, %.3f s; writes only %s had: %d; salvage %s; %s rebuilt from its"
                            + " own cluster with %s's digest%n",
                    LOST,
                    acknowledged.size(),
                    recoveryPoint.get("unmirrored_records").asLong(),
                    recoveryPoint.get("unmirrored_seconds").asDouble(),
                    LOST,
                    missing.size(),
                    salvaged.get("records_copied"),
                    REBUILT,
                    WITNESS);
        } finally {
            deployment.restoreMirrorLink(LOST, WITNESS);
            deployment.restoreMirrorLink(LOST, REBUILT);
            deployment.broker(LOST).restart();
        }
        // What only the lost region had comes back with its cluster: nothing acknowledged is lost for good.
        deployment.awaitConvergence("the lost cluster's return", acknowledged);
    }

    /** A POST that must answer 200 with a JSON object. */
    private static Map<String, Object> post(WebTestClient client, String uri) {
        return client.post()
                .uri(uri)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
    }

    private static void awaitMoreWritesBy(Set<String> acknowledgedByLost, int more) {
        int before = acknowledgedByLost.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledgedByLost.size() >= before + more);
    }

    /**
     * Waits until both survivors have applied everything their clusters hold and have the same digest;
     * returns it.
     */
    private String awaitSurvivorsAgree(String after) {
        return await(REBUILT + " and " + WITNESS + " agree after " + after)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> caughtUp(REBUILT) && caughtUp(WITNESS) ? digest(WITNESS) : null,
                        digest -> digest != null && digest.equals(digest(REBUILT)));
    }

    /** Whether the region has applied every event its own cluster holds. */
    private boolean caughtUp(String region) throws IOException {
        JsonNode lag = deployment.lag();
        for (String origin : REGIONS) {
            if (MultiClusterDeployment.pair(lag, region, origin)
                            .get("apply_lag_records")
                            .asLong()
                    != 0) {
                return false;
            }
        }
        return true;
    }

    private JsonNode recoveryPoint(String origin) throws IOException {
        JsonNode points = new ObjectMapper()
                .readTree(client.get()
                        .uri("/admin/recovery-points")
                        .exchange()
                        .expectBody()
                        .returnResult()
                        .getResponseBody());
        for (JsonNode point : points) {
            if (point.get("origin").asText().equals(origin)) {
                return point;
            }
        }
        throw new AssertionError("no recovery point for " + origin + " in " + points);
    }

    private String digest(String region) {
        return deployment.digests().stream()
                .filter(d -> d.get("region").equals(region))
                .map(d -> String.valueOf(d.get("digest")))
                .findFirst()
                .orElseThrow();
    }
}
