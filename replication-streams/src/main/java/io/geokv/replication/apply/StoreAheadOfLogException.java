package io.geokv.replication.apply;

import io.geokv.position.LogPositions;

/**
 * A region's PostgreSQL says it has applied offsets beyond the end of the event topics: it was built
 * from another log than the one the brokers hold now (the topics were deleted and created again, or
 * the database belongs to another deployment). Its offsets cannot be trusted to skip records by, and
 * applying the new log on top of it would hide acknowledged writes; the region stops instead, loudly,
 * until an operator replays it ({@code scripts/replay-region.sh}) or points it at its own database.
 */
public final class StoreAheadOfLogException extends RuntimeException {

    StoreAheadOfLogException(String region, LogPositions applied, LogPositions logEnds) {
        super("region " + region + ": its PostgreSQL has applied " + applied + " but the event topics end at " + logEnds
                + ": the database was built from another log; replication of this region stops (replay it to"
                + " rebuild it from this log)");
    }
}
