package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.gateway.GatewayApplication;
import io.geokv.testing.FreePorts;
import io.geokv.testing.TcpProxy;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A read that reaches a region whose PostgreSQL has just gone away (before any health check could
 * route around it) answers 503 {@code region-store-unavailable} naming the region, not 500. A gateway
 * of its own sees eu-west's PostgreSQL through a proxy the test cuts and eu-west's Redis at a port
 * nothing listens on, so reads go to PostgreSQL; it checks health once, at start.
 */
class StoreOutageReadIT {

    @Test
    void readsOfARegionWhosePostgresqlIsAwayAnswer503NamingIt() throws Exception {
        TestCluster.shared();
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Map<String, Object> properties = TestCluster.extraGatewayProperties();
            properties.put("geokv.regions[1].postgres.port", proxy.port());
            properties.put("geokv.regions[1].redis.uri", "redis://127.0.0.1:" + FreePorts.take() + "/0");
            properties.put("geokv.gateway.health.interval", "1h");
            ConfigurableApplicationContext gateway = GatewayApplication.builder()
                    .registerShutdownHook(false)
                    .run(TestReplication.asArguments(properties));
            TestShutdown.register(gateway::close);
            try {
                WebTestClient client = TestCluster.client(gateway);
                String key = "store-outage-" + UUID.randomUUID();
                client.put()
                        .uri("/kv/" + key)
                        .header("X-Region", "eu-west")
                        .bodyValue("v")
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

                proxy.cut();
                for (String path : new String[] {"/kv/" + key, "/read/" + key, "/regions/eu-west/kv/" + key}) {
                    EntityExchangeResult<byte[]> read = client.get()
                            .uri(path)
                            .header("X-Region", "eu-west")
                            .exchange()
                            .expectBody()
                            .returnResult();
                    String body = new String(read.getResponseBody(), StandardCharsets.UTF_8);
                    assertThat(read.getStatus().value())
                            .as("%s: %s", path, body)
                            .isEqualTo(503);
                    assertThat(read.getResponseHeaders().getContentType())
                            .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                    assertThat(body).contains("region-store-unavailable", "region eu-west");
                }

                proxy.restore();
                await().atMost(Duration.ofSeconds(15))
                        .untilAsserted(() -> client.get()
                                .uri("/kv/" + key)
                                .header("X-Region", "eu-west")
                                .exchange()
                                .expectStatus()
                                .isOk());
            } finally {
                TestCluster.retire(gateway);
            }
        }
    }
}
