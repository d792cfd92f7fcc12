package io.geokv.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

import io.geokv.conflict.KeyState;
import io.geokv.topics.TopicOffsets;

/**
 * Two conditional strong writes with the same {@code If-Match} can never both be applied, even when
 * the first client gives up (cancels) at any moment while its write is being arbitrated.
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
            put(key, "first", context).timeout(Duration.ofMillis(attempt * 25L))
                    .onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
            String second = put(key, "second", context).map(r -> r.getStatusCode().value() + "")
                    .onErrorResume(WebClientResponseException.class, e -> Mono.just(e.getStatusCode().value() + " "
                            + e.getResponseBodyAsString()))
                    .block(Duration.ofSeconds(30));
            assertThat(second).as("attempt %d", attempt).matches("200|412 .*");

            awaitEverythingApplied();
            for (String region : REGIONS) {
                KeyState state = cluster.stores().get(region).reader().find("default", key).block(Duration.ofSeconds(10));
                assertThat(state.siblings()).as("attempt %d in %s: at most one conditional write won (second: %s)",
                        attempt, region, second).hasSize(1);
            }
        }
    }

    private Mono<ResponseEntity<Void>> put(String key, String value, String ifMatch) {
        WebClient.RequestBodySpec request = web.put().uri("/kv/" + key).header("X-Consistency", "strong");
        if (ifMatch != null) {
            request = request.header("If-Match", ifMatch);
        }
        return request.bodyValue(value).retrieve().toBodilessEntity();
    }

    /** Every region's PostgreSQL has applied every event of every region's topic. */
    private void awaitEverythingApplied() {
        TopicOffsets topics = new TopicOffsets(cluster.gateway().getBean(Admin.class), Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = topics.offsets(topics.eventPartitions(REGIONS), OffsetSpec.latest());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> REGIONS.stream()
                .allMatch(region -> {
                    Map<TopicPartition, Long> applied = new HashMap<>();
                    cluster.stores().get(region).reader().appliedOffsets().collectList().block(Duration.ofSeconds(10))
                            .forEach(o -> applied.put(new TopicPartition(o.topic(), o.partition()), o.nextOffset()));
                    return ends.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue());
                }));
    }
}
