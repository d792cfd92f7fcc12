package io.geokv.gateway.health;

import java.time.Instant;

/**
 * Where one check of one region stands. It turns unhealthy after {@code failuresToFail} consecutive
 * failures and healthy again after {@code successesToRecover} consecutive successes, so one lost
 * packet neither fails a region over nor back. Immutable.
 *
 * @param healthy the state the thresholds decided
 * @param since when that state began (or when checking began)
 * @param consecutiveFailures failures in a row up to now
 * @param consecutiveSuccesses successes in a row up to now
 * @param lastError the last failure's message, or null if none yet
 * @param lastErrorAt when it happened, or null
 */
public record CheckState(
        boolean healthy,
        Instant since,
        int consecutiveFailures,
        int consecutiveSuccesses,
        String lastError,
        Instant lastErrorAt) {

    /** A check nothing is known of yet: healthy until proven otherwise. */
    public static CheckState initial(Instant now) {
        return new CheckState(true, now, 0, 0, null, null);
    }

    /** The state after one more result. */
    public CheckState next(boolean succeeded, String error, Instant now, int failuresToFail, int successesToRecover) {
        if (succeeded) {
            int successes = consecutiveSuccesses + 1;
            boolean recovers = !healthy && successes >= successesToRecover;
            return new CheckState(healthy || recovers, recovers ? now : since, 0, successes, lastError, lastErrorAt);
        }
        int failures = consecutiveFailures + 1;
        boolean fails = healthy && failures >= failuresToFail;
        return new CheckState(healthy && !fails, fails ? now : since, failures, 0, error, now);
    }
}
