package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.gateway.GatewayApplication;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.testing.FreePorts;
import io.geokv.testing.TcpProxy;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * docs/product.md, 'Geo-routing and failover', under fire: a gateway of its own whose view of one region's PostgreSQL goes
 * through a TCP proxy that the test cuts, or whose Redis for one region is a redis-server the test
 * stops; the rest of the system (broker, replication, the other stores) keeps running.
 */
class RegionOutageIT {

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConfigurableApplicationContext gateway(Map<String, Object> overrides) {
        TestCluster.shared();
        Map<String, Object> properties = TestCluster.extraGatewayProperties();
        properties.put("geokv.gateway.health.interval", CHECK_INTERVAL.toMillis() + "ms");
        properties.put("geokv.gateway.health.timeout", "500ms");
        properties.putAll(overrides);
        ConfigurableApplicationContext gateway =
                GatewayApplication.builder().registerShutdownHook(false).run(TestReplication.asArguments(properties));
        TestShutdown.register(gateway::close);
        return gateway;
    }

    /** A load of reads and writes against one region, remembering every read's answer. */
    private record Answer(long atNanos, int status, String failover, String region) {}

    @Test
    void readsFailOverWhileARegionsPostgresqlIsUnreachableAndFailBackAfter() throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432)) {
            ConfigurableApplicationContext gateway = gateway(Map.of(
                    "geokv.regions[1].postgres.port", proxy.port(),
                    "geokv.gateway.routing.tenants.bank.region", "eu-west",
                    "geokv.residency.tenants.bank", "eu-west"));
            WebTestClient client = TestCluster.client(gateway);
            String key = "outage-" + UUID.randomUUID();
            client.put()
                    .uri("/kv/" + key)
                    .header("X-Region", "eu-west")
                    .bodyValue("before")
                    .exchange()
                    .expectStatus()
                    .isOk();
            client.put()
                    .uri("/kv/" + key)
                    .header("X-Tenant", "bank")
                    .bodyValue("resident")
                    .exchange()
                    .expectStatus()
                    .isOk();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", "eu-west")
                            .exchange()
                            .expectStatus()
                            .isOk());

            ConcurrentLinkedQueue<Answer> reads = new ConcurrentLinkedQueue<>();
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                int i = 0;
                while (loading.get()) {
                    EntityExchangeResult<byte[]> read = client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", "eu-west")
                            .exchange()
                            .expectBody()
                            .returnResult();
                    reads.add(new Answer(
                            System.nanoTime(),
                            read.getStatus().value(),
                            read.getResponseHeaders().getFirst("X-Failover"),
                            read.getResponseHeaders().getFirst("X-Region")));
                    client.put()
                            .uri("/kv/" + key + "-w" + (i++ % 50))
                            .header("X-Region", "eu-west")
                            .bodyValue("w")
                            .exchange()
                            .expectBody()
                            .returnResult();
                }
            });
            load.start();
            try {
                Thread.sleep(500);
                long cut = System.nanoTime();
                proxy.cut();

                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> regionStatus(client, "eu-west").equals("unhealthy"));
                long detected = System.nanoTime();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> reads.stream()
                                .anyMatch(a -> a.atNanos() > detected && "eu-west->us-east".equals(a.failover())));
                long failedOver = reads.stream()
                        .filter(a -> "eu-west->us-east".equals(a.failover()))
                        .mapToLong(Answer::atNanos)
                        .min()
                        .orElseThrow();

                JsonNode postgres =
                        regionChecks(client, "eu-west").get("checks").get("postgres");
                assertThat(postgres.get("healthy").asBoolean()).isFalse();
                assertThat(postgres.get("last_error").asText()).isNotBlank();
                assertThat(postgres.get("since").asText()).isNotBlank();
                assertThat(regionChecks(client, "us-east").get("status").asText())
                        .isEqualTo("healthy");

                // A tenant whose data must stay in eu-west is refused, not served elsewhere.
                EntityExchangeResult<byte[]> resident = client.get()
                        .uri("/kv/" + key)
                        .header("X-Tenant", "bank")
                        .exchange()
                        .expectBody()
                        .returnResult();
                assertThat(resident.getStatus()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(resident.getResponseHeaders().getContentType().toString())
                        .contains("problem+json");
                assertThat(new String(resident.getResponseBody(), StandardCharsets.UTF_8))
                        .contains("[eu-west]");

                Thread.sleep(1000);
                long restored = System.nanoTime();
                proxy.restore();
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> reads.stream()
                                .anyMatch(a -> a.atNanos() > restored
                                        && a.failover() == null
                                        && "eu-west".equals(a.region())
                                        && a.status() == 200));
                long failedBack = System.nanoTime();
                loading.set(false);
                load.join(10_000);

                List<Answer> errors =
                        reads.stream().filter(a -> a.status() >= 500).toList();
                assertThat(errors).as("5xx answers to reads during the outage").isEmpty();
                System.out.printf(
                        "failover: eu-west marked unhealthy %d ms after its PostgreSQL was cut (checks"
                                + " every %d ms), first failed-over read after %d ms; failback %d ms after restore;"
                                + " %d reads, none 5xx%n",
                        (detected - cut) / 1_000_000,
                        CHECK_INTERVAL.toMillis(),
                        (failedOver - cut) / 1_000_000,
                        (failedBack - restored) / 1_000_000,
                        reads.size());
                assertThat(Duration.ofNanos(detected - cut))
                        .as("marked unhealthy within 3 check intervals (+ a" + " check timeout)")
                        .isLessThan(
                                CHECK_INTERVAL.multipliedBy(3).plusMillis(500).plusMillis(300));
            } finally {
                loading.set(false);
                load.join(10_000);
                TestCluster.retire(gateway);
            }
        }
    }

    @Test
    void withoutItsRedisARegionServesFromPostgresqlAndUsesTheCacheAgainOnceRedisIsBack() throws Exception {
        int port = FreePorts.take();
        Process redis = startRedis(port);
        // Replication keeps writing the shared Redis; this gateway's asia-pac cache is filled
        // by its own reads (read-through), which is all the test looks at.
        ConfigurableApplicationContext gateway =
                gateway(Map.of("geokv.regions[2].redis.uri", "redis://127.0.0.1:" + port + "/0"));
        try {
            WebTestClient client = TestCluster.client(gateway);
            String key = "redis-outage-" + UUID.randomUUID();
            client.put()
                    .uri("/kv/" + key)
                    .header("X-Region", "asia-pac")
                    .bodyValue("kept")
                    .exchange()
                    .expectStatus()
                    .isOk();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(source(client, key)).isEqualTo("cache"));

            redis.destroy();
            redis.waitFor();
            // The near cache serves what it holds until the gateway notices the lost link; then it
            // drops every entry, and PostgreSQL serves.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> source(client, key).equals("db"));
            for (int i = 0; i < 20; i++) {
                assertThat(source(client, key)).isEqualTo("db");
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> regionStatus(client, "asia-pac").equals("degraded"));
            assertThat(source(client, key)).as("degraded, still serving").isEqualTo("db");

            redis = startRedis(port);
            Process restarted = redis;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(restarted.isAlive()).isTrue();
                assertThat(source(client, key)).isEqualTo("cache");
            });
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> regionStatus(client, "asia-pac").equals("healthy"));
        } finally {
            TestCluster.retire(gateway);
            redis.destroy();
        }
    }

    /** Reads the key in asia-pac; asserts it answered 200 with its value, and says who served it. */
    private static String source(WebTestClient client, String key) {
        EntityExchangeResult<byte[]> read = client.get()
                .uri("/kv/" + key)
                .header("X-Region", "asia-pac")
                .exchange()
                .expectBody()
                .returnResult();
        assertThat(read.getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(new String(read.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo("kept");
        assertThat(read.getResponseHeaders().getFirst("X-Region")).isEqualTo("asia-pac");
        return read.getResponseHeaders().getFirst("X-Source");
    }

    /**
     * Replication that stops applying (here: its commits wait on a table lock, while PostgreSQL still
     * answers queries) shows as applied lag and makes its region unhealthy within the lag threshold
     * and the usual failed checks, although its PostgreSQL check passes.
     */
    @Test
    void aRegionWhoseReplicationStopsApplyingBecomesUnhealthyAndRecoversAfter() throws Exception {
        ConfigurableApplicationContext gateway = gateway(Map.of(
                "geokv.gateway.health.lag-threshold", "1s",
                "geokv.progress.lag-interval", "200ms"));
        try {
            applyingStopsAndRecovers(gateway);
        } finally {
            TestCluster.retire(gateway);
        }
    }

    private static void applyingStopsAndRecovers(ConfigurableApplicationContext gateway) throws Exception {
        WebTestClient client = TestCluster.client(gateway);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> regionStatus(client, "eu-west").equals("healthy"));
        RegionProperties.Postgres euWest =
                gateway.getBean(RegionsProperties.class).region("eu-west").postgres();
        String key = "stuck-apply-" + UUID.randomUUID();
        try (Connection lock = DriverManager.getConnection(
                "jdbc:postgresql://" + euWest.host() + ":" + euWest.port() + "/" + euWest.database(),
                euWest.username(),
                euWest.password())) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE kv_state IN EXCLUSIVE MODE");
            }
            client.put()
                    .uri("/kv/" + key)
                    .header("X-Region", "us-east")
                    .bodyValue("v")
                    .exchange()
                    .expectStatus()
                    .isOk();

            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> regionStatus(client, "eu-west").equals("unhealthy"));
            JsonNode lagCheck = regionChecks(client, "eu-west").get("checks").get("lag");
            assertThat(lagCheck.get("healthy").asBoolean()).isFalse();
            assertThat(regionChecks(client, "eu-west")
                            .get("checks")
                            .get("postgres")
                            .get("healthy")
                            .asBoolean())
                    .as("PostgreSQL itself still answers")
                    .isTrue();
            JsonNode lag = lagOf(client, "eu-west", "us-east");
            assertThat(lag.get("lag_records").asLong()).isPositive();
            assertThat(regionStatus(client, "us-east")).isEqualTo("healthy");
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> regionStatus(client, "eu-west").equals("healthy"));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        lagOf(client, "eu-west", "us-east").get("lag_records").asLong() == 0);
    }

    private static JsonNode lagOf(WebTestClient client, String region, String origin) throws IOException {
        byte[] body = client.get()
                .uri("/admin/replication-lag")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        for (JsonNode each : JSON.readTree(body)) {
            if (each.get("region").asText().equals(region)
                    && each.get("origin").asText().equals(origin)) {
                return each;
            }
        }
        throw new AssertionError("no lag of " + region + " behind " + origin);
    }

    private static String regionStatus(WebTestClient client, String region) throws IOException {
        return regionChecks(client, region).get("status").asText();
    }

    private static JsonNode regionChecks(WebTestClient client, String region) throws IOException {
        byte[] body = client.get()
                .uri("/health/regions")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        for (JsonNode each : JSON.readTree(body)) {
            if (each.get("region").asText().equals(region)) {
                return each;
            }
        }
        throw new AssertionError("no region " + region + " in /health/regions");
    }

    private static Process startRedis(int port) throws IOException {
        Process process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return process;
    }
}
