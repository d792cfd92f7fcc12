package io.geokv.replication.apply;

import java.time.Duration;

/**
 * When a stream thread's next commit is due ({@link RegionApplier#commitIfDue}): once the apply
 * interval has passed since the last commit ended; and, while the thread is behind the head of the
 * log, once {@value #FACTOR} times as long as that commit took, but never later than the limit.
 *
 * <p>The thread is at the head of the log when the newest record it holds is younger than the
 * limit: there is no backlog to gather into larger batches, and each wait would only add to the
 * time a write takes to become visible (at 2,000 writes/s, waiting three commits' time made that
 * wait most of a write's visibility delay). Behind, larger batches are what lets it catch up.
 */
final class GroupCommit {

    static final int FACTOR = 3;

    private GroupCommit() {}

    /**
     * @param waitedNanos time since the last commit ended
     * @param lastCommitNanos how long the last commit took
     * @param newestRecordAgeMillis how old the newest record waiting for the commit is (from its
     *     record timestamp); a producer's clock ahead of this one makes it negative, which counts
     *     as at the head
     */
    static boolean due(
            long waitedNanos, long lastCommitNanos, long newestRecordAgeMillis, Duration interval, Duration limit) {
        if (waitedNanos < interval.toNanos()) {
            return false;
        }
        boolean atHead = newestRecordAgeMillis < limit.toMillis();
        return atHead || waitedNanos >= Math.min(FACTOR * lastCommitNanos, limit.toNanos());
    }
}
