package io.geokv.store.postgres;

import io.geokv.position.LogPositions;

/**
 * A commit found the region's applied offsets elsewhere than where its writer started from: another
 * writer applied those partitions meanwhile (the writer lost them in a rebalance and did not know
 * yet), or the region was rebuilt under it. Nothing was written; the writer's view of the states it
 * folded on is stale and must be read again. Retrying the same commit cannot succeed.
 */
public final class AppliedOffsetsMovedException extends StoreException {

    public AppliedOffsetsMovedException(String region, LogPositions expected, LogPositions found) {
        super(
                "region " + region + ": applied offsets moved under this writer (expected " + expected + ", found "
                        + found + "); it no longer owns these partitions or the region was rebuilt",
                null);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
