package io.geokv.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final HealthTracker tracker = new HealthTracker(List.of("us-east", "eu-west"), 3, 2, T0);

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    @Test
    void everyRegionStartsHealthy() {
        assertThat(tracker.status("us-east")).isEqualTo(RegionStatus.HEALTHY);
        assertThat(tracker.checks("us-east")).containsOnlyKeys(Check.values());
    }

    @Test
    void aRegionFailsOnlyAfterThreeConsecutiveFailures() {
        assertThat(tracker.record("us-east", Check.POSTGRES, false, "refused", at(1)))
                .isEmpty();
        assertThat(tracker.record("us-east", Check.POSTGRES, false, "refused", at(2)))
                .isEmpty();
        assertThat(tracker.serving("us-east")).isTrue();
        assertThat(tracker.record("us-east", Check.POSTGRES, false, "refused", at(3)))
                .hasValueSatisfying(t -> {
                    assertThat(t.healthy()).isFalse();
                    assertThat(t.status()).isEqualTo(RegionStatus.UNHEALTHY);
                    assertThat(t.error()).isEqualTo("refused");
                });
        assertThat(tracker.serving("us-east")).isFalse();
        assertThat(tracker.serving("eu-west")).isTrue();
        CheckState postgres = tracker.checks("us-east").get(Check.POSTGRES);
        assertThat(postgres.since()).isEqualTo(at(3));
        assertThat(postgres.lastError()).isEqualTo("refused");
        assertThat(postgres.consecutiveFailures()).isEqualTo(3);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        tracker.record("us-east", Check.LAG, false, "late", at(1));
        tracker.record("us-east", Check.LAG, false, "late", at(2));
        tracker.record("us-east", Check.LAG, true, null, at(3));
        tracker.record("us-east", Check.LAG, false, "late", at(4));
        tracker.record("us-east", Check.LAG, false, "late", at(5));
        assertThat(tracker.serving("us-east")).isTrue();
    }

    @Test
    void aRegionRecoversAfterTheConfiguredSuccessesInARow() {
        for (int i = 1; i <= 3; i++) {
            tracker.record("us-east", Check.STREAMS, false, "no members", at(i));
        }
        assertThat(tracker.record("us-east", Check.STREAMS, true, null, at(4))).isEmpty();
        assertThat(tracker.serving("us-east")).isFalse();
        assertThat(tracker.record("us-east", Check.STREAMS, true, null, at(5)))
                .hasValueSatisfying(t -> assertThat(t.status()).isEqualTo(RegionStatus.HEALTHY));
        assertThat(tracker.checks("us-east").get(Check.STREAMS).since()).isEqualTo(at(5));
        assertThat(tracker.checks("us-east").get(Check.STREAMS).lastError())
                .as("kept for the record")
                .isEqualTo("no members");
    }

    @Test
    void withoutRedisARegionIsDegradedButStillServes() {
        for (int i = 1; i <= 3; i++) {
            tracker.record("eu-west", Check.REDIS, false, "connection refused", at(i));
        }
        assertThat(tracker.status("eu-west")).isEqualTo(RegionStatus.DEGRADED);
        assertThat(tracker.serving("eu-west")).isTrue();
    }
}
