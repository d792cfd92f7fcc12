package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where event topics end in their origin cluster, the one place their offsets are the coordinates
 * every position is told in (session tokens, strong waits, what a region has applied). In the single
 * topology that is the one cluster; in the multi topology each topic is asked of its region's own
 * cluster, never of a mirrored copy.
 */
public final class OriginOffsets {

    private final RegionClusters.PerCluster<Admin> admins;
    private final Duration timeout;

    /** @param admins an admin client of each region's cluster */
    public OriginOffsets(RegionClusters.PerCluster<Admin> admins, Duration timeout) {
        this.admins = admins;
        this.timeout = timeout;
    }

    /** The end of each partition in its origin cluster, without blocking: one request per cluster. */
    public Mono<LogPositions> endsLater(Collection<EventPartition> partitions) {
        Map<Admin, List<EventPartition>> byCluster = new IdentityHashMap<>();
        for (EventPartition partition : partitions) {
            String origin = GeokvNames.regionOfEventTopic(partition.topic())
                    .orElseThrow(() -> new IllegalArgumentException("not an event topic: " + partition.topic()));
            byCluster.computeIfAbsent(admins.of(origin), a -> new ArrayList<>()).add(partition);
        }
        return Flux.fromIterable(byCluster.entrySet())
                .flatMap(cluster -> new TopicOffsets(cluster.getKey(), timeout).endsLater(cluster.getValue()))
                .reduce(LogPositions.empty(), LogPositions::join);
    }
}
