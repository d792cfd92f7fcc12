package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.store.cache.StateCache;
import io.geokv.testing.TestStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Per-key time to live (docs/api.md, "Time to live"): a value written with {@code ttl} reads in
 * every region until its expiry and is gone from every region after it, with equal digests; a later
 * write without {@code ttl} clears it; concurrent writes with different expiries give the same
 * answer everywhere, before and after.
 */
class TtlIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final List<String> REGIONS = TestStores.REGIONS;
    private static final String TENANT = "ttl";

    private final WebTestClient client = TestCluster.shared().client();

    @Test
    void aValueReadsInEveryRegionUntilItExpiresThenInNone() {
        String key = "ttl-" + UUID.randomUUID();
        // Strong: the answer comes once every region has applied it, so the reads below are before expiry.
        Map<String, Object> written = write(key, "short-lived", "?ttl=2", "us-east", "strong");
        Instant expiresAt = Instant.parse((String) written.get("expires_at"));
        assertThat(expiresAt)
                .isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3));

        for (String region : REGIONS) {
            HttpStatus status = status(region, key);
            // A read answered before the expiry (the gateway decides when the state reaches it) finds the value.
            if (Instant.now().isBefore(expiresAt)) {
                assertThat(status).as("read in %s before %s", region, expiresAt).isEqualTo(HttpStatus.OK);
            }
            // Redis keeps the entry no longer than the value lives (-2: already gone; -1 would be no expiry).
            long pttl = withRedis(region, redis -> redis.pttl(StateCache.cacheKey(TENANT, key)));
            assertThat(pttl).as("PTTL in %s's Redis", region).isNotEqualTo(-1).isLessThanOrEqualTo(2_000);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(status(region, key)).as("read in %s", region).isEqualTo(HttpStatus.NOT_FOUND);
            }
        });
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        assertDigestsEqual();
    }

    @Test
    void aLaterWriteWithoutTtlClearsIt() {
        String key = "ttl-cleared-" + UUID.randomUUID();
        write(key, "expiring", "?ttl=2", "eu-west", "strong");
        Map<String, Object> lasting = write(key, "lasting", "", "asia-pac", "strong");
        assertThat(lasting).doesNotContainKey("expires_at");

        Instant afterFirstExpiry = Instant.now().plusSeconds(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(afterFirstExpiry));
        for (String region : REGIONS) {
            read(region, key).expectStatus().isOk().expectBody(String.class).isEqualTo("lasting");
        }
    }

    @Test
    void concurrentWritesWithDifferentExpiriesReadTheSameEverywhere() {
        String run = UUID.randomUUID().toString();
        String newerExpires = "ttl-concurrent-" + run;
        String olderExpires = "ttl-concurrent-older-" + run;
        String underSiblings = ResolutionPoliciesIT.SIBLINGS_PREFIX + "ttl-" + run;
        // Two writes in two regions on one context, so that neither saw the other: two siblings.
        concurrently(newerExpires, "older-lasting", "", "newer-expiring", "?ttl=2");
        concurrently(olderExpires, "older-expiring", "?ttl=2", "newer-lasting", "");
        concurrently(underSiblings, "older-lasting", "", "newer-expiring", "?ttl=2");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (String region : REGIONS) {
                // LWW: the newest write expired, so the key reads as deleted; the older value stays hidden.
                read(region, newerExpires).expectStatus().isNotFound();
                // LWW: the older write expired under a newer lasting one, which readers kept seeing.
                read(region, olderExpires)
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("newer-lasting");
                // siblings: the expired value leaves the shown values, the concurrent one stays.
                read(region, underSiblings)
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .isEqualTo("older-lasting");
            }
        });
        assertDigestsEqual();
    }

    /** Writes {@code older} then {@code newer} in two regions, both on the context of a first write. */
    private void concurrently(String key, String older, String olderQuery, String newer, String newerQuery) {
        String base = (String) write(key, "base", "", "us-east", "strong").get("context");
        writeOn(key, older, olderQuery, "eu-west", base);
        writeOn(key, newer, newerQuery, "asia-pac", base);
    }

    @Test
    void aTtlThatIsNotAPositiveWholeNumberOfSecondsIsRefused() {
        for (String ttl : List.of("0", "-1", "1.5", "abc", "", "99999999999999999999")) {
            client.put()
                    .uri("/kv/ttl-bad?ttl={ttl}", ttl)
                    .header("X-Tenant", TENANT)
                    .bodyValue("v")
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type")
                    .isEqualTo("https://geokv.io/problems/invalid-ttl");
        }
        client.delete()
                .uri("/kv/ttl-bad?ttl=5")
                .header("X-Tenant", TENANT)
                .exchange()
                .expectStatus()
                .isBadRequest();
        client.post()
                .uri("/write")
                .header("X-Tenant", TENANT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\": \"ttl-bad\", \"value\": \"v\", \"ttl\": 2.5}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/invalid-ttl");
    }

    @Test
    void theSeedApiAndBatchesTakeATtlToo() {
        String key = "ttl-seed-" + UUID.randomUUID();
        client.post()
                .uri("/write")
                .header("X-Tenant", TENANT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", key, "value", "v", "ttl", 1))
                .exchange()
                .expectStatus()
                .isOk();
        Map<String, Object> batch = client.post()
                .uri("/kv/_batch")
                .header("X-Tenant", TENANT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("writes", List.of(Map.of("key", key + "-batch", "value", "v", "ttl", "1"))))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = ((List<Map<String, Object>>) batch.get("results")).get(0);
        assertThat(result).containsEntry("status", 200).containsKey("expires_at");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String region : REGIONS) {
                read(region, key).expectStatus().isNotFound();
                read(region, key + "-batch").expectStatus().isNotFound();
            }
        });
    }

    private Map<String, Object> write(String key, String value, String query, String region, String consistency) {
        return put(key, value, query, region, "X-Consistency", consistency)
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    private void writeOn(String key, String value, String query, String region, String context) {
        put(key, value, query, region, "X-Context", context);
    }

    private WebTestClient.ResponseSpec put(
            String key, String value, String query, String region, String header, String headerValue) {
        return client.put()
                .uri("/kv/" + key + query)
                .header("X-Tenant", TENANT)
                .header("X-Region", region)
                .header(header, headerValue)
                .bodyValue(value)
                .exchange()
                .expectStatus()
                .isOk();
    }

    private WebTestClient.ResponseSpec read(String region, String key) {
        return client.get()
                .uri("/regions/" + region + "/kv/" + key)
                .header("X-Tenant", TENANT)
                .exchange();
    }

    private HttpStatus status(String region, String key) {
        return HttpStatus.valueOf(
                read(region, key).returnResult(String.class).getStatus().value());
    }

    private void assertDigestsEqual() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> digests = client.get()
                    .uri("/admin/digest?tenant=" + TENANT)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBodyList(JSON)
                    .returnResult()
                    .getResponseBody();
            assertThat(digests).hasSize(REGIONS.size());
            assertThat(digests)
                    .extracting(d -> d.get("digest"))
                    .containsOnly(digests.get(0).get("digest"));
        });
    }

    private static <T> T withRedis(
            String region,
            java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
        int database = TestStores.REDIS_FIRST_DATABASE + REGIONS.indexOf(region);
        RedisClient redis = RedisClient.create("redis://127.0.0.1:6379/" + database);
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return command.apply(connection.sync());
        } finally {
            redis.shutdown();
        }
    }
}
