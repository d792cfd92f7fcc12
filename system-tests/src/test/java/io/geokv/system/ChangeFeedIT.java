package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The change feed (docs/api.md, "Change feed"): a follower of a prefix receives every change its
 * region applies once, resumes after a disconnect from its cursor with nothing missed or repeated,
 * and bad cursors are the client's error.
 */
class ChangeFeedIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT =
            new ParameterizedTypeReference<>() {};
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient client = cluster.client();
    private final RestClient rest = new RestClient(cluster.port());
    private final WebClient web =
            WebClient.builder().baseUrl("http://127.0.0.1:" + cluster.port()).build();

    @Test
    void aFollowerGetsEveryChangeOnceAcrossADisconnect() {
        String prefix = "feed-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String start =
                (String) poll("/changes?wait=0&prefix=" + prefix, "us-east").get("cursor");

        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicReference<String> lastCursor = new AtomicReference<>(start);
        Following first = follow(prefix, start, received, lastCursor);

        // 10,000 writes in three regions: 2,000 keys, each written five times, from a region chosen
        // per write (writes of one key in two regions at once are concurrent), every fifth a delete.
        List<String[]> writes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            writes.add(new String[] {REGIONS.get(i * 7 % 3), prefix + (i % 2_000), i % 5 == 4 ? null : "v" + i});
        }
        Collections.shuffle(writes, new java.util.Random(7));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Mono<Void> written = Flux.fromIterable(writes)
                .flatMap(
                        w -> (w[2] == null ? rest.delete(w[0], w[1]) : rest.put(w[0], w[1], w[2])).doOnNext(answer -> {
                            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                            Matcher id = EVENT_ID.matcher(answer.body());
                            assertThat(id.find()).isTrue();
                            acknowledged.add(id.group(1));
                        }),
                        48)
                .then()
                .cache();
        written.subscribe();

        // A forced disconnect while the writes land, then a new connection from the last cursor received.
        await().atMost(Duration.ofMinutes(1)).until(() -> received.size() >= 3_000);
        first.stop();
        int beforeResume = received.size();
        Following second = follow(prefix, lastCursor.get(), received, lastCursor);
        try {
            written.block(Duration.ofMinutes(3));
            assertThat(acknowledged).hasSize(10_000);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(acknowledged));
            assertThat(received.values())
                    .allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(beforeResume).isLessThan(10_000);
        } finally {
            second.stop();
        }
    }

    @Test
    void aLongPollAnswersTheChangesAfterItsCursor() {
        String prefix = "feed-poll-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String start =
                (String) poll("/changes?wait=0&prefix=" + prefix, "eu-west").get("cursor");
        rest.put("us-east", prefix + "a", "1").block();
        rest.delete("asia-pac", prefix + "b").block();

        List<Map<String, Object>> changes = new ArrayList<>();
        String cursor = start;
        while (changes.size() < 2) {
            Map<String, Object> page = poll("/changes?wait=10&prefix=" + prefix + "&cursor=" + cursor, "eu-west");
            changes.addAll(changes(page));
            cursor = (String) page.get("cursor");
        }
        assertThat(changes)
                .extracting(change -> change.get("key"))
                .containsExactlyInAnyOrder(prefix + "a", prefix + "b");
        assertThat(changes).extracting(change -> change.get("op")).containsExactlyInAnyOrder("put", "delete");
        assertThat(changes)
                .allSatisfy(change -> assertThat(change.get("context")).isNotNull());
        // Nothing after the last cursor: an empty page, with the same cursor.
        Map<String, Object> empty = poll("/changes?wait=1&prefix=" + prefix + "&cursor=" + cursor, "eu-west");
        assertThat(changes(empty)).isEmpty();
        assertThat(empty.get("cursor")).isEqualTo(cursor);
    }

    @Test
    void aMalformedCursorOrOneOfAnotherRegionIsRefused() {
        String cursor = (String) poll("/changes?wait=0", "us-east").get("cursor");
        refused("/changes?cursor=garbage", "us-east", "invalid-cursor");
        refused("/changes?cursor=" + cursor.substring(0, cursor.length() - 2) + "AA", "us-east", "invalid-cursor");
        refused("/changes?cursor=" + cursor, "eu-west", "cursor-of-another-region");
        refused("/changes?wait=61", "us-east", "invalid-wait");
        refused("/changes?limit=0", "us-east", "invalid-limit");
    }

    /**
     * Follows the prefix in us-east from {@code cursor}, counting each change's event id and keeping
     * the cursor of the last one counted; nothing is counted once {@link Following#stop} returned.
     */
    private Following follow(
            String prefix, String cursor, Map<String, AtomicInteger> received, AtomicReference<String> lastCursor) {
        Following following = new Following();
        following.subscription = web.get()
                .uri("/changes?prefix={prefix}&cursor={cursor}", prefix, cursor)
                .header("X-Region", "us-east")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(EVENT)
                .filter(event -> event.data() != null)
                .subscribe(event -> {
                    synchronized (following) {
                        if (!following.stopped) {
                            received.computeIfAbsent((String) event.data().get("event_id"), id -> new AtomicInteger())
                                    .incrementAndGet();
                            lastCursor.set(event.id());
                        }
                    }
                });
        return following;
    }

    private static final class Following {
        private Disposable subscription;
        private boolean stopped;

        void stop() {
            synchronized (this) {
                stopped = true;
            }
            subscription.dispose();
        }
    }

    private Map<String, Object> poll(String uri, String region) {
        return client.get()
                .uri(uri)
                .header("X-Region", region)
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> changes(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("changes");
    }

    private void refused(String uri, String region, String type) {
        client.get()
                .uri(uri)
                .header("X-Region", region)
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/" + type);
    }
}
