package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.GatewayApplication;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.naming.GeokvNames;
import io.geokv.position.LogPositions;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.store.RegionStores;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * Two conditional strong writes with the same {@code If-Match} can never both be applied, even when
 * the first client gives up (cancels) at any moment while its write is being arbitrated, or its
 * arbiter goes away after publishing and its event enters the log late.
 */
class ConditionalWriteCancelIT {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private final TestCluster cluster = TestCluster.shared();
    private final WebClient web = WebClient.create("http://127.0.0.1:" + cluster.port());

    @Test
    void aCancelledConditionalWriteNeverLetsASecondOneWithTheSameContextThrough() {
        for (int attempt = 0; attempt < 12; attempt++) {
            String key = "cas-cancel-" + UUID.randomUUID();
            ResponseEntity<Void> initial = put(key, "0", null).block(Duration.ofSeconds(30));
            String context = initial.getHeaders().getFirst("X-Context");

            // The first client gives up after a delay anywhere from before the lock to after the apply.
            put(key, "first", context)
                    .timeout(Duration.ofMillis(attempt * 25L))
                    .onErrorResume(e -> Mono.empty())
                    .block(Duration.ofSeconds(30));
            String second = put(key, "second", context)
                    .map(r -> r.getStatusCode().value() + "")
                    .onErrorResume(
                            WebClientResponseException.class,
                            e -> Mono.just(e.getStatusCode().value() + " " + e.getResponseBodyAsString()))
                    .block(Duration.ofSeconds(30));
            assertThat(second).as("attempt %d", attempt).matches("200|412 .*");

            awaitEverythingApplied();
            for (String region : REGIONS) {
                KeyState state = cluster.stores()
                        .get(region)
                        .reader()
                        .find("default", key)
                        .block(Duration.ofSeconds(10));
                assertThat(state.siblings())
                        .as("attempt %d in %s: at most one conditional write won (second: %s)", attempt, region, second)
                        .hasSize(1);
            }
        }
    }

    @Test
    void anArbiterThatWentAwayAfterPublishingFencesTheNextOne() {
        // A gateway whose producer gives up quickly, so its publish fence is about 3 s.
        Map<String, Object> properties = TestCluster.extraGatewayProperties();
        properties.put("geokv.gateway.write-timeout", "1s");
        ConfigurableApplicationContext quick =
                GatewayApplication.builder().registerShutdownHook(false).run(TestReplication.asArguments(properties));
        TestShutdown.register(quick::close);
        try {
            WebClient quickWeb = WebClient.create("http://127.0.0.1:"
                    + ((WebServerApplicationContext) quick).getWebServer().getPort());
            String key = "cas-fence-" + UUID.randomUUID();
            String context = put(key, "0", null)
                    .block(Duration.ofSeconds(30))
                    .getHeaders()
                    .getFirst("X-Context");
            String home = new HomeRegions(REGIONS).homeOf("default", key);

            // What an arbiter leaves that crashed right after sending its event: its intent, and the
            // event, which the broker appends only later.
            String late = UUID.randomUUID().toString();
            quick.getBean(RegionStores.class)
                    .get(home)
                    .intents()
                    .record("default", key, late)
                    .block(Duration.ofSeconds(10));
            CompletableFuture<String> second = put(quickWeb, key, "second", context)
                    .map(r -> r.getStatusCode().value() + "")
                    .onErrorResume(
                            WebClientResponseException.class,
                            e -> Mono.just(e.getStatusCode().value() + " " + e.getResponseBodyAsString()))
                    .toFuture();
            KvEvent lateEvent = KvEvents.newEvent(
                    late,
                    "default",
                    key,
                    "first".getBytes(StandardCharsets.UTF_8),
                    "text/plain",
                    home,
                    ClientTokens.unsealedContext(context),
                    System.currentTimeMillis() << 16);
            Mono.delay(Duration.ofMillis(500)).block();
            try (KafkaProducer<String, KvEvent> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            TestKafka.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new KvEventSerializer())) {
                producer.send(new ProducerRecord<>(
                        GeokvNames.eventTopic(home), EventTopics.recordKey("default", key), lateEvent));
            }

            assertThat(second.join())
                    .as("the second write, arbitrated after the late event entered the log")
                    .startsWith("412 ");
            awaitEverythingApplied();
            for (String region : REGIONS) {
                KeyState state = cluster.stores()
                        .get(region)
                        .reader()
                        .find("default", key)
                        .block(Duration.ofSeconds(10));
                assertThat(state.siblings())
                        .as("in %s only the late first write is applied", region)
                        .singleElement()
                        .satisfies(s -> assertThat(s.eventId()).isEqualTo(late));
            }
        } finally {
            TestCluster.retire(quick);
        }
    }

    private Mono<ResponseEntity<Void>> put(String key, String value, String ifMatch) {
        return put(web, key, value, ifMatch);
    }

    private static Mono<ResponseEntity<Void>> put(WebClient web, String key, String value, String ifMatch) {
        WebClient.RequestBodySpec request = web.put().uri("/kv/" + key).header("X-Consistency", "strong");
        if (ifMatch != null) {
            request = request.header("If-Match", ifMatch);
        }
        return request.bodyValue(value).retrieve().toBodilessEntity();
    }
    /** Every region's PostgreSQL has applied every event of every region's topic. */
    private void awaitEverythingApplied() {
        TopicOffsets topics = new TopicOffsets(Admins.of(cluster.gateway()), Duration.ofSeconds(30));
        LogPositions ends = topics.ends(topics.eventPartitions(REGIONS));
        RegionProgress progress = cluster.gateway().getBean(RegionProgress.class);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> REGIONS.stream().allMatch(region -> progress.hasApplied(region, ends)));
    }
}
