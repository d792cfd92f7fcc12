package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestStores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An event produced straight to {@code kv-events.<region>} with the event-log serde (a plain Java
 * producer with only the event-log jar) is materialized exactly like a REST write.
 */
class DirectProducerIT {

    private final WebTestClient client = TestCluster.shared().client();

    private static KafkaProducer<String, KvEvent> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestKafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new KvEventSerializer());
    }

    private static void produce(KafkaProducer<String, KvEvent> producer, KvEvent event) throws Exception {
        producer.send(new ProducerRecord<>(
                        GeokvNames.eventTopic(event.getOriginRegion()),
                        EventTopics.recordKey(event.getTenant(), event.getKey()),
                        event))
                .get();
    }

    private static KvEvent event(String region, String key, String value, VersionVector context, long timestamp) {
        return KvEvents.newEvent(
                UUID.randomUUID().toString(),
                "default",
                key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                "text/plain",
                region,
                context,
                timestamp);
    }

    @Test
    void producedEventsAreReadBackOverRestInEveryRegion() throws Exception {
        String key = "direct-" + UUID.randomUUID();
        try (KafkaProducer<String, KvEvent> producer = producer()) {
            produce(
                    producer,
                    event("eu-west", key, "from kafka", VersionVector.empty(), System.currentTimeMillis() << 16));
        }
        for (String region : TestStores.REGIONS) {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", region)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectHeader()
                            .contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                            .expectBody(String.class)
                            .isEqualTo("from kafka"));
        }
    }

    @Test
    void concurrentProducedEventsResolveTheSameWayAsRestWritesAndDeletesApply() throws Exception {
        String key = "direct-" + UUID.randomUUID();
        long now = System.currentTimeMillis() << 16;
        try (KafkaProducer<String, KvEvent> producer = producer()) {
            // Two regions writing without having seen each other: concurrent; the later timestamp wins everywhere.
            produce(producer, event("us-east", key, "older", VersionVector.empty(), now));
            produce(producer, event("asia-pac", key, "newer", VersionVector.empty(), now + 1));
        }
        for (String region : TestStores.REGIONS) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Object> read = client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .accept(MediaType.APPLICATION_JSON)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                        .returnResult()
                        .getResponseBody();
                assertThat(read).containsEntry("value", "newer").containsEntry("siblings", 2);
            });
        }

        // A delete that has seen both values supersedes them: the key is gone in every region.
        String context = client.get()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Context");
        try (KafkaProducer<String, KvEvent> producer = producer()) {
            produce(
                    producer,
                    event(
                            "us-east",
                            key,
                            null,
                            io.geokv.gateway.tokens.ClientTokens.unsealedContext(context),
                            now + 2));
        }
        for (String region : TestStores.REGIONS) {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", region)
                            .exchange()
                            .expectStatus()
                            .isNotFound());
        }
    }
}
