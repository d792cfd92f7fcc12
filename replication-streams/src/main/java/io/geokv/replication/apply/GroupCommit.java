package io.geokv.replication.apply;

import java.time.Duration;

/**
 * When a stream thread's next commit is due ({@link RegionApplier#commitIfDue}): once the apply
 * interval has passed since the last commit ended, and once {@value #FACTOR} times as long as that
 * commit took, but never later than the limit.
 */
final class GroupCommit {

    static final int FACTOR = 3;

    private GroupCommit() {}

    /**
     * @param waitedNanos time since the last commit ended
     * @param lastCommitNanos how long the last commit took
     */
    static boolean due(long waitedNanos, long lastCommitNanos, Duration interval, Duration limit) {
        return waitedNanos >= interval.toNanos() && waitedNanos >= Math.min(FACTOR * lastCommitNanos, limit.toNanos());
    }
}
