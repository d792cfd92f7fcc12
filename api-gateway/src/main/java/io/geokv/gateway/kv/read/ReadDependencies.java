package io.geokv.gateway.kv.read;

import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.store.RegionStores;

/** What the reads that wait for the regions (session and strong) work with. */
record ReadDependencies(
        RegionStores stores,
        RegionProgress progress,
        KeyLogEnds logEnds,
        ServingRegions serving,
        ReadResults results,
        ConsistencyWaits waits) {}
