package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.gateway.GatewayApplication;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Last-writer-wins follows hybrid logical clocks, not raw wall clocks: a session's later write wins
 * over its earlier one through a gateway whose clock is behind (ten minutes, far more than the 500 ms
 * the contract asks for), and a gateway started with a clock far behind still stamps its first write
 * after everything already in the log.
 */
class ClockSkewIT {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private static final TestCluster CLUSTER = TestCluster.shared();
    private static final WebTestClient AHEAD = CLUSTER.client();
    private static final String BEFORE_START = "before-start-" + UUID.randomUUID();
    private static long latestBeforeStart;
    /** Started after {@link #BEFORE_START} was written, with a wall clock ten minutes behind the others'. */
    private static WebTestClient behind;

    private static ConfigurableApplicationContext behindGateway;

    @BeforeAll
    static void startAGatewayWhoseClockIsFarBehind() {
        AHEAD.put()
                .uri("/kv/" + BEFORE_START)
                .header("X-Region", "us-east")
                .bodyValue("x")
                .exchange()
                .expectStatus()
                .isOk();
        latestBeforeStart = awaitTimestamp("us-east", BEFORE_START);
        behindGateway = gatewayWithClock(Duration.ofMinutes(-10));
        behind = TestCluster.client(behindGateway);
    }

    @AfterAll
    static void retireIt() {
        TestCluster.retire(behindGateway);
    }

    /** A gateway of the same deployment whose wall clock is {@code skew} off the others'. */
    private static ConfigurableApplicationContext gatewayWithClock(Duration skew) {
        ConfigurableApplicationContext gateway = GatewayApplication.builder()
                .registerShutdownHook(false)
                .initializers(context -> ((GenericApplicationContext) context)
                        .registerBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), skew)))
                .run(TestReplication.asArguments(TestCluster.extraGatewayProperties()));
        // Left to the JVM's end: closing a second WebFlux context would stop the shared gateway's loops.
        TestShutdown.register(gateway::close);
        return gateway;
    }

    @Test
    void aSessionsLaterWriteWinsThroughAGatewayWhoseClockIsBehind() {
        for (int i = 0; i < 5; i++) {
            String key = "skew-" + UUID.randomUUID();
            EntityExchangeResult<byte[]> first = AHEAD.put()
                    .uri("/kv/" + key)
                    .header("X-Region", "us-east")
                    .bodyValue("first")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
            String session = first.getResponseHeaders().getFirst("X-Session");
            behind.put()
                    .uri("/kv/" + key)
                    .header("X-Region", "eu-west")
                    .header("X-Session", session)
                    .bodyValue("second")
                    .exchange()
                    .expectStatus()
                    .isOk();

            for (String region : REGIONS) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    KeyState state = CLUSTER.stores()
                            .get(region)
                            .reader()
                            .find("default", key)
                            .block();
                    assertThat(state).isNotNull();
                    assertThat(state.version()).as(region + " has both writes").isEqualTo(2);
                    assertThat(LastWriterWins.winner(state.siblings()).map(ClockSkewIT::text))
                            .as("the session's later write wins in " + region)
                            .contains("second");
                });
            }
        }
    }

    @Test
    void aGatewayStartedWithAClockFarBehindStampsAfterEverythingInTheLog() {
        String after = "after-start-" + UUID.randomUUID();
        behind.put()
                .uri("/kv/" + after)
                .header("X-Region", "eu-west")
                .bodyValue("y")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(awaitTimestamp("eu-west", after)).isGreaterThan(latestBeforeStart);
    }

    private static long awaitTimestamp(String region, String key) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            KeyState state = CLUSTER.stores()
                                    .get(region)
                                    .reader()
                                    .find("default", key)
                                    .block();
                            return state == null ? -1L : state.siblings().get(0).timestamp();
                        },
                        ts -> ts > 0);
    }

    private static String text(Sibling sibling) {
        return sibling.isTombstone() ? null : new String(sibling.value(), StandardCharsets.UTF_8);
    }
}
