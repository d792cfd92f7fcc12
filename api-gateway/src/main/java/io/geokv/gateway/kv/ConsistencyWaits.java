package io.geokv.gateway.kv;

import java.time.Duration;

/**
 * How long the consistency levels may wait: a session read for its writes, a strong write or read for
 * the regions, a conditional write for its key's lock, and the longest a lock is held waiting for the
 * home region to apply the write it arbitrated (past it the lock is released, and logged as an error).
 *
 * @param publishFence how long after an arbiter recorded its intent its event may still be appended
 *     to the log: the next arbiter of the key waits that long after an intent its arbiter did not clear
 */
public record ConsistencyWaits(
        Duration session, Duration strong, Duration lock, Duration lockHold, Duration publishFence) {}
