package io.geokv.replication.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final Duration LIMIT = Duration.ofMillis(50);

    /** Behind the head of the log: the newest record waiting is a second old. */
    private static boolean due(int waitedMs, int lastCommitMs) {
        return GroupCommit.due(ms(waitedMs), ms(lastCommitMs), 1000, INTERVAL, LIMIT);
    }

    private static long ms(int millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void afterFastCommitsTheIntervalDecides() {
        assertThat(due(4, 1)).isFalse();
        assertThat(due(5, 1)).isTrue();
    }

    @Test
    void afterASlowCommitItWaitsThreeTimesAsLong() {
        assertThat(due(29, 10)).isFalse();
        assertThat(due(30, 10)).isTrue();
    }

    @Test
    void neverWaitsLongerThanTheLimitHoweverSlowTheLastCommit() {
        assertThat(due(49, 900)).isFalse();
        assertThat(due(50, 900)).isTrue();
    }

    @Test
    void theLimitNeverCommitsBeforeTheInterval() {
        assertThat(GroupCommit.due(ms(4), ms(900), 1000, INTERVAL, Duration.ofMillis(1)))
                .isFalse();
    }

    @Test
    void atTheHeadOfTheLogTheIntervalDecidesHoweverSlowTheLastCommit() {
        assertThat(GroupCommit.due(ms(5), ms(30), 20, INTERVAL, LIMIT)).isTrue();
        assertThat(GroupCommit.due(ms(4), ms(30), 20, INTERVAL, LIMIT)).isFalse();
        // A producer's clock ahead of ours.
        assertThat(GroupCommit.due(ms(5), ms(30), -300, INTERVAL, LIMIT)).isTrue();
    }

    @Test
    void recordsAsOldAsTheLimitMeanABacklogToBatch() {
        assertThat(GroupCommit.due(ms(29), ms(10), 50, INTERVAL, LIMIT)).isFalse();
        assertThat(GroupCommit.due(ms(30), ms(10), 50, INTERVAL, LIMIT)).isTrue();
    }
}
