package io.geokv.progress;

import io.geokv.event.EventTopics;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where the log of one key ends: in every region's topic, the end offset of the partition the key's
 * events go to, in the topic's origin cluster. A region that has applied up to these positions holds every write of the key that
 * was acknowledged before they were read, in whichever region it was written.
 */
public final class KeyLogEnds {

    private final OriginOffsets offsets;
    private final List<String> regions;
    private final int partitions;

    public KeyLogEnds(OriginOffsets offsets, List<String> regions, int partitions) {
        this.offsets = offsets;
        this.regions = List.copyOf(regions);
        this.partitions = partitions;
    }

    /** The partition the key's events go to, in every region's topic. */
    public List<EventPartition> partitionsOf(String tenant, String key) {
        int partition = EventTopics.partitionOf(EventTopics.recordKey(tenant, key), partitions);
        return regions.stream()
                .map(region -> new EventPartition(GeokvNames.eventTopic(region), partition))
                .toList();
    }

    /** The positions just past the key's last event in every region's topic. */
    public Mono<LogPositions> of(String tenant, String key) {
        return offsets.endsLater(partitionsOf(tenant, key));
    }
}
