package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.replication.region.RegionReplication;
import io.geokv.replication.region.ReplicationSupervisor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * Replication lag per region and origin, in records and seconds, at /admin/replication-lag and as
 * Prometheus gauges: it rises while a region's Streams application falls behind a load and returns
 * to zero once it has caught up and the system is idle.
 */
class ReplicationLagIT {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> LAGS =
            new ParameterizedTypeReference<>() {};

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient client = cluster.client();
    private final RestClient rest = new RestClient(cluster.port());

    @Test
    void lagRisesUnderLoadAndReturnsToZeroWhenIdle() {
        awaitAllLagsZero();
        RegionReplication euWest =
                cluster.replication().getBean(ReplicationSupervisor.class).region("eu-west");
        euWest.stop();
        try {
            String run = UUID.randomUUID().toString().substring(0, 8);
            write(run, 0, 100);
            long first = await().atMost(Duration.ofSeconds(15))
                    .until(() -> lagRecords("eu-west", "us-east"), lag -> lag >= 100);
            write(run, 100, 250);
            long second = await().atMost(Duration.ofSeconds(15))
                    .until(() -> lagRecords("eu-west", "us-east"), lag -> lag >= 250);
            assertThat(second).isGreaterThan(first);

            Map<String, Object> euWestFromUsEast = lag("eu-west", "us-east");
            assertThat(((Number) euWestFromUsEast.get("lag_seconds")).doubleValue())
                    .isPositive();
            assertThat(prometheusGauge("geokv_replication_lag_records", "eu-west", "us-east"))
                    .isGreaterThanOrEqualTo(250);
            assertThat(prometheusGauge("geokv_replication_lag_seconds", "eu-west", "us-east"))
                    .isPositive();
            // The regions that kept running are not behind.
            await().atMost(Duration.ofSeconds(15)).until(() -> lagRecords("asia-pac", "us-east"), lag -> lag == 0);
        } finally {
            euWest.start(false);
        }
        awaitAllLagsZero();
        assertThat(prometheusGauge("geokv_replication_lag_records", "eu-west", "us-east"))
                .isZero();
        assertThat(prometheusGauge("geokv_replication_lag_seconds", "eu-west", "us-east"))
                .isZero();
    }

    private void write(String run, int from, int to) {
        Flux.range(from, to - from)
                .flatMap(i -> rest.put("us-east", "lag-" + run + "-" + i, "v" + i), 16)
                .doOnNext(answer -> assertThat(answer.status()).isEqualTo(200))
                .blockLast(Duration.ofMinutes(1));
    }

    private void awaitAllLagsZero() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    List<Map<String, Object>> lags = lags();
                    assertThat(lags).hasSize(9);
                    assertThat(lags).allSatisfy(lag -> {
                        assertThat(((Number) lag.get("lag_records")).longValue())
                                .isZero();
                        assertThat(((Number) lag.get("lag_seconds")).doubleValue())
                                .isZero();
                    });
                });
    }

    private List<Map<String, Object>> lags() {
        return client.get()
                .uri("/admin/replication-lag")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(LAGS)
                .returnResult()
                .getResponseBody();
    }

    private Map<String, Object> lag(String region, String origin) {
        return lags().stream()
                .filter(l -> region.equals(l.get("region")) && origin.equals(l.get("origin")))
                .findFirst()
                .orElseThrow();
    }

    private long lagRecords(String region, String origin) {
        return ((Number) lag(region, origin).get("lag_records")).longValue();
    }

    private double prometheusGauge(String name, String region, String origin) {
        String scrape = client.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        while (line.find()) {
            String labels = line.group(1);
            if (labels.contains("region=\"" + region + "\"") && labels.contains("origin=\"" + origin + "\"")) {
                return Double.parseDouble(line.group(2));
            }
        }
        throw new AssertionError(name + " for region " + region + " and origin " + origin + " not in the scrape");
    }
}
