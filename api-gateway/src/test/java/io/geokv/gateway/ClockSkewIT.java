package io.geokv.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;

/**
 * Last-writer-wins follows hybrid logical clocks, not raw wall clocks: a session's later write wins
 * over its earlier one through a gateway whose clock is behind, and a gateway started with a clock
 * far behind still stamps its first write after everything already in the log.
 */
class ClockSkewIT {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient ahead = cluster.client();

    /** A gateway of the same deployment whose wall clock is {@code skew} off the others'. */
    private static WebTestClient gatewayWithClock(Duration skew) {
        TestCluster.shared();
        ConfigurableApplicationContext gateway = GatewayApplication.builder().registerShutdownHook(false)
                .initializers(context -> ((GenericApplicationContext) context)
                        .registerBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), skew)))
                .run(TestReplication.asArguments(TestCluster.gatewayProperties()));
        // Left to the JVM's end: closing a second WebFlux context would stop the shared gateway's loops.
        TestShutdown.register(gateway::close);
        return TestCluster.client(gateway);
    }

    @Test
    void aSessionsLaterWriteWinsThroughAGatewayWhoseClockIsBehind() {
        WebTestClient behind = gatewayWithClock(Duration.ofMillis(-500));
        for (int i = 0; i < 5; i++) {
            String key = "skew-" + UUID.randomUUID();
            EntityExchangeResult<byte[]> first = ahead.put().uri("/kv/" + key).header("X-Region", "us-east")
                    .bodyValue("first").exchange().expectStatus().isOk().expectBody().returnResult();
            String session = first.getResponseHeaders().getFirst("X-Session");
            behind.put().uri("/kv/" + key).header("X-Region", "eu-west").header("X-Session", session)
                    .bodyValue("second").exchange().expectStatus().isOk();

            for (String region : REGIONS) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    KeyState state = cluster.stores().get(region).reader().find("default", key).block();
                    assertThat(state).isNotNull();
                    assertThat(state.version()).as(region + " has both writes").isEqualTo(2);
                    assertThat(LastWriterWins.winner(state.siblings()).map(ClockSkewIT::text))
                            .as("the session's later write wins in " + region).contains("second");
                });
            }
        }
    }

    @Test
    void aGatewayStartedWithAClockFarBehindStampsAfterEverythingInTheLog() {
        String before = "before-restart-" + UUID.randomUUID();
        ahead.put().uri("/kv/" + before).header("X-Region", "us-east").bodyValue("x").exchange().expectStatus().isOk();
        long latest = awaitTimestamp("us-east", before);

        WebTestClient restarted = gatewayWithClock(Duration.ofMinutes(-10));
        String after = "after-restart-" + UUID.randomUUID();
        restarted.put().uri("/kv/" + after).header("X-Region", "eu-west").bodyValue("y").exchange().expectStatus().isOk();

        assertThat(awaitTimestamp("eu-west", after)).isGreaterThan(latest);
    }

    private long awaitTimestamp(String region, String key) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            KeyState state = cluster.stores().get(region).reader().find("default", key).block();
            return state == null ? -1L : state.siblings().get(0).timestamp();
        }, ts -> ts > 0);
    }

    private static String text(Sibling sibling) {
        return sibling.isTombstone() ? null : new String(sibling.value(), StandardCharsets.UTF_8);
    }
}
