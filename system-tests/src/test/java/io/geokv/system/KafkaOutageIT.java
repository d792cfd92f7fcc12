package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.gateway.GatewayApplication;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The degraded modes of docs/product.md, 'Geo-routing and failover': with Kafka unreachable, writes answer 503 within the write
 * timeout, never hang, and reads go on. The gateway here has a broker of its own, which the test stops;
 * the shared system keeps running.
 */
class KafkaOutageIT {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void writesAnswer503QuicklyWhileKafkaIsDownAndReadsGoOn() {
        WebTestClient shared = TestCluster.shared().client();
        String key = "kafka-outage-" + UUID.randomUUID();
        shared.put()
                .uri("/kv/" + key)
                .bodyValue("readable")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        shared.get().uri("/kv/" + key).exchange().expectStatus().isOk());

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable",
                "false",
                "offsets.topic.replication.factor",
                "1",
                "transaction.state.log.replication.factor",
                "1"));
        broker.afterPropertiesSet();
        Map<String, Object> properties = TestCluster.extraGatewayProperties();
        properties.put("spring.kafka.bootstrap-servers", broker.getBrokersAsString());
        properties.put("geokv.gateway.write-timeout", WRITE_TIMEOUT.toMillis() + "ms");
        ConfigurableApplicationContext gateway =
                GatewayApplication.builder().registerShutdownHook(false).run(TestReplication.asArguments(properties));
        TestShutdown.register(gateway::close);
        try {
            WebTestClient client = TestCluster.client(gateway);
            client.put()
                    .uri("/kv/" + key + "-before")
                    .bodyValue("v")
                    .exchange()
                    .expectStatus()
                    .isOk();

            broker.destroy();
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                EntityExchangeResult<byte[]> write = client.put()
                        .uri("/kv/" + key + "-during-" + i)
                        .bodyValue("v")
                        .exchange()
                        .expectBody()
                        .returnResult();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(write.getStatus()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(write.getResponseHeaders().getContentType().toString())
                        .contains("problem+json");
                // A record that was sent may have been appended with its acknowledgement lost: the outcome is
                // unknown, and the answer says so, with the event id to look for. Once the producer has lost
                // the topic's metadata, a record never leaves it: then, and only then, "not applied".
                String body = new String(write.getResponseBody(), StandardCharsets.UTF_8);
                if (!body.contains("kafka-unavailable")) {
                    assertThat(body)
                            .contains("outcome-unknown")
                            .contains("may or may not have been applied")
                            .contains("\"event_id\"")
                            .doesNotContain("was not applied");
                } else {
                    assertThat(body).contains("not present in metadata").contains("it was not applied");
                }
                assertThat(took).as("bounded by the write timeout").isLessThan(WRITE_TIMEOUT.plusSeconds(3));
                System.out.printf(
                        "kafka outage: write %d answered 503 after %d ms (write timeout %d ms)%n",
                        i, took.toMillis(), WRITE_TIMEOUT.toMillis());
            }
            client.get()
                    .uri("/kv/" + key)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .isEqualTo("readable");
        } finally {
            // Only what talks to the dead broker is stopped; the context is closed when the JVM ends:
            // closing a WebFlux application disposes Reactor Netty's global event loops, which the
            // shared gateway uses too.
            TestCluster.retire(gateway);
            gateway.getBean(EventPublisher.class).close();
            Admins.all(gateway).forEach(admin -> admin.close(Duration.ZERO));
        }
    }
}
