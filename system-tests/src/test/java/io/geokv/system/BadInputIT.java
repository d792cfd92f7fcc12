package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.naming.GeokvNames;
import io.geokv.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * docs/product.md, 'Bad input and durability': every kind of bad input gets a clear 4xx problem+json (never a 500) over
 * HTTP, and a bad event produced straight to Kafka goes to the dead-letter topic while good ones
 * keep flowing.
 */
class BadInputIT {

    private static final WebTestClient CLIENT = TestCluster.shared().client();
    private static final ClientTokens TOKENS = TestCluster.shared().gateway().getBean(ClientTokens.class);
    private static final String BAD_QUALITY = "application/json;q=abc";
    private static final String BAD_CHARSET = "application/json; charset=ebcdic";

    static Stream<Arguments> badRequests() {
        String longKey = "k".repeat(513);
        byte[] tooLarge = new byte[1024 * 1024 + 1];
        String missing = "missing-" + UUID.randomUUID();
        return Stream.of(
                bad(
                        "key longer than 512 bytes",
                        400,
                        c -> c.put().uri("/kv/" + longKey).bodyValue("v").exchange()),
                bad(
                        "key with a control character",
                        400,
                        c -> c.put()
                                .uri(b -> b.path("/kv/{key}").build("a\u0007b"))
                                .bodyValue("v")
                                .exchange()),
                bad("empty key", 400, c -> c.put().uri("/kv/").bodyValue("v").exchange()),
                bad(
                        "value above 1 MiB",
                        413,
                        c -> c.put().uri("/kv/big").bodyValue(tooLarge).exchange()),
                bad(
                        "seed write value above 1 MiB",
                        413,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of("key", "big", "value", "x".repeat(1024 * 1024 + 1)))
                                .exchange()),
                bad(
                        "unknown region on write",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("X-Region", "mars")
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "unknown region on read",
                        400,
                        c -> c.get().uri("/kv/k").header("X-Region", "mars").exchange()),
                bad(
                        "unknown consistency level",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("X-Consistency", "psychic")
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "malformed JSON",
                        400,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"key\": \"k\", ")
                                .exchange()),
                bad(
                        "JSON without value",
                        400,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"key\": \"k\"}")
                                .exchange()),
                bad(
                        "JSON of the wrong type",
                        400,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("[1,2,3]")
                                .exchange()),
                bad(
                        "seed write that is not JSON",
                        415,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.TEXT_PLAIN)
                                .bodyValue("key=k")
                                .exchange()),
                bad(
                        "malformed context token",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("X-Context", "%%not-a-token%%")
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "invalid tenant",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("X-Tenant", "Not A Tenant!")
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "forged context token",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header(
                                        "X-Context",
                                        ContextTokens.encode(VersionVector.of(Map.of("us-east", 1_000_000L)))
                                                + ".AAAAAAAAAAAAAAAAAAAAAA")
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "session token passed as a context",
                        400,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("X-Context", TOKENS.session(SessionPositions.empty(), "default"))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "malformed session token",
                        400,
                        c -> c.get()
                                .uri("/kv/k")
                                .header("X-Session", "not-a-session")
                                .exchange()),
                bad(
                        "another tenant's session token",
                        400,
                        c -> c.get()
                                .uri("/kv/k")
                                .header("X-Session", TOKENS.session(SessionPositions.empty(), "other-tenant"))
                                .exchange()),
                bad(
                        "unknown consistency level on read",
                        400,
                        c -> c.get()
                                .uri("/kv/k")
                                .header("X-Consistency", "linear")
                                .exchange()),
                bad(
                        "If-Match on a missing key",
                        412,
                        c -> c.put()
                                .uri("/kv/" + missing)
                                .header("If-Match", TOKENS.context(VersionVector.empty(), "default", missing))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "strong If-Match on a missing key",
                        412,
                        c -> c.put()
                                .uri("/kv/" + missing)
                                .header("X-Consistency", "strong")
                                .header("If-Match", TOKENS.context(VersionVector.empty(), "default", missing))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "context token of another key",
                        400,
                        c -> c.put()
                                .uri("/kv/b-" + missing)
                                .header(
                                        "X-Context",
                                        TOKENS.context(VersionVector.of(Map.of("us-east", 5L)), "default", missing))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "context token of another tenant",
                        400,
                        c -> c.put()
                                .uri("/kv/" + missing)
                                .header(
                                        "X-Context",
                                        TOKENS.context(VersionVector.of(Map.of("us-east", 5L)), "other", missing))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "If-Match token of another key",
                        400,
                        c -> c.put()
                                .uri("/kv/b-" + missing)
                                .header("X-Consistency", "strong")
                                .header("If-Match", TOKENS.context(VersionVector.empty(), "default", missing))
                                .bodyValue("v")
                                .exchange()),
                bad(
                        "missing key on read",
                        404,
                        c -> c.get().uri("/kv/absent-" + UUID.randomUUID()).exchange()),
                bad(
                        "missing key on seed read",
                        404,
                        c -> c.get().uri("/read/absent-" + UUID.randomUUID()).exchange()),
                bad("unknown path", 404, c -> c.get().uri("/no/such/thing").exchange()),
                bad(
                        "unsupported method",
                        405,
                        c -> c.patch().uri("/kv/k").bodyValue("v").exchange()),
                // Unparsable media types once answered 500. A GET has no body, so its Content-Type is ignored.
                bad(
                        "invalid Accept quality on write",
                        406,
                        c -> c.put().uri("/kv/k").header("Accept", BAD_QUALITY).exchange()),
                bad(
                        "invalid Accept quality on read",
                        406,
                        c -> c.get().uri("/kv/k").header("Accept", BAD_QUALITY).exchange()),
                bad(
                        "invalid Accept quality on seed write",
                        406,
                        c -> c.post()
                                .uri("/write")
                                .contentType(MediaType.APPLICATION_JSON)
                                .header("Accept", BAD_QUALITY)
                                .bodyValue("{\"key\": \"k\", \"value\": \"v\"}")
                                .exchange()),
                bad(
                        "invalid Accept quality on seed read",
                        406,
                        c -> c.get()
                                .uri("/read/k")
                                .header("Accept", BAD_QUALITY)
                                .exchange()),
                bad(
                        "Content-Type without subtype on write",
                        415,
                        c -> c.put().uri("/kv/k").header("Content-Type", "foo").exchange()),
                bad(
                        "Content-Type without subtype on read",
                        404,
                        c -> c.get()
                                .uri("/kv/absent-" + UUID.randomUUID())
                                .header("Content-Type", "foo")
                                .exchange()),
                bad(
                        "Content-Type without subtype on seed write",
                        415,
                        c -> c.post()
                                .uri("/write")
                                .header("Content-Type", "foo")
                                .exchange()),
                bad(
                        "Content-Type without subtype on seed read",
                        404,
                        c -> c.get()
                                .uri("/read/absent-" + UUID.randomUUID())
                                .header("Content-Type", "foo")
                                .exchange()),
                bad(
                        "unsupported charset on write",
                        415,
                        c -> c.put()
                                .uri("/kv/k")
                                .header("Content-Type", BAD_CHARSET)
                                .exchange()),
                bad(
                        "unsupported charset on read",
                        404,
                        c -> c.get()
                                .uri("/kv/absent-" + UUID.randomUUID())
                                .header("Content-Type", BAD_CHARSET)
                                .exchange()),
                bad(
                        "unsupported charset on seed write",
                        415,
                        c -> c.post()
                                .uri("/write")
                                .header("Content-Type", BAD_CHARSET)
                                .exchange()),
                bad(
                        "unsupported charset on seed read",
                        404,
                        c -> c.get()
                                .uri("/read/absent-" + UUID.randomUUID())
                                .header("Content-Type", BAD_CHARSET)
                                .exchange()));
    }

    private static Arguments bad(String name, int status, Function<WebTestClient, WebTestClient.ResponseSpec> request) {
        return Arguments.of(name, status, request);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badRequests")
    void badInputGetsAProblemDetail(
            String name, int status, Function<WebTestClient, WebTestClient.ResponseSpec> request) {
        EntityExchangeResult<Map<String, Object>> result = request.apply(CLIENT)
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult();
        Map<String, Object> problem = result.getResponseBody();
        assertThat(problem).containsEntry("status", status);
        assertThat((String) problem.get("detail"))
                .as("a clear message for %s in %s", name, problem)
                .isNotBlank();
    }

    @Test
    void unknownRegionNamesTheValidOnes() {
        CLIENT.get()
                .uri("/kv/k")
                .header("X-Region", "mars")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail).contains("us-east", "eu-west", "asia-pac"));
    }

    @Test
    void badEventsGoToTheDeadLetterTopicAndGoodOnesStillApply() {
        String tenant = "default";
        String badKey = "dead-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                TestKafka.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer());
                KafkaConsumer<String, byte[]> deadLetters = new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                TestKafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "bad-input-it-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(
                    GeokvNames.eventTopic("us-east"),
                    EventTopics.recordKey(tenant, badKey),
                    "not an avro event".getBytes(StandardCharsets.UTF_8)));
            producer.flush();

            deadLetters.subscribe(List.of(GeokvNames.DEAD_LETTER_TOPIC));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                boolean found = false;
                for (ConsumerRecord<String, byte[]> record : deadLetters.poll(Duration.ofMillis(200))) {
                    if (EventTopics.recordKey(tenant, badKey).equals(record.key())) {
                        String reason = new String(
                                record.headers()
                                        .lastHeader("geokv.error.reason")
                                        .value(),
                                StandardCharsets.UTF_8);
                        assertThat(reason).contains("undecodable");
                        found = true;
                    }
                }
                assertThat(found).isTrue();
            });
        }

        String goodKey = "alive-" + UUID.randomUUID();
        CLIENT.put()
                .uri("/kv/" + goodKey)
                .header("X-Region", "us-east")
                .bodyValue("still here")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> CLIENT.get()
                        .uri("/kv/" + goodKey)
                        .header("X-Region", "eu-west")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("still here"));
    }
}
