package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where each region's event topic stands in its origin cluster, the one place its offsets are the
 * coordinates every position is told in (session tokens, strong waits, lag, what a region has applied).
 * In the single topology that is the one cluster; in the multi topology each topic is asked of its
 * region's own cluster, never of a mirrored copy.
 */
public final class OriginOffsets {

    private final RegionClusters.PerCluster<Admin> admins;
    private final Duration timeout;

    /** @param admins an admin client of each region's cluster */
    public OriginOffsets(RegionClusters.PerCluster<Admin> admins, Duration timeout) {
        this.admins = admins;
        this.timeout = timeout;
    }

    /** Every partition of every region's event topic. */
    public Set<EventPartition> eventPartitions(Collection<String> regions) {
        Set<EventPartition> partitions = new HashSet<>();
        admins.regionsByClient().forEach((admin, origins) -> {
            List<String> asked = origins.stream().filter(regions::contains).toList();
            if (!asked.isEmpty()) {
                partitions.addAll(offsets(admin).eventPartitions(asked));
            }
        });
        return partitions;
    }

    /** The end of each partition in its origin cluster. */
    public LogPositions ends(Collection<EventPartition> partitions) {
        return byCluster(partitions, EventPartition::topic).entrySet().stream()
                .map(e -> offsets(e.getKey()).ends(e.getValue()))
                .reduce(LogPositions.empty(), LogPositions::join);
    }

    /** The first offset still kept in each partition of its origin cluster. */
    public LogPositions starts(Collection<EventPartition> partitions) {
        return byCluster(partitions, EventPartition::topic).entrySet().stream()
                .map(e -> offsets(e.getKey()).starts(e.getValue()))
                .reduce(LogPositions.empty(), LogPositions::join);
    }

    /** {@link #ends}, without blocking. */
    public Mono<LogPositions> endsLater(Collection<EventPartition> partitions) {
        return Flux.fromIterable(byCluster(partitions, EventPartition::topic).entrySet())
                .flatMap(e -> offsets(e.getKey()).endsLater(e.getValue()))
                .reduce(LogPositions.empty(), LogPositions::join);
    }

    private TopicOffsets offsets(Admin admin) {
        return new TopicOffsets(admin, timeout);
    }

    /** The items grouped by the admin client of their topic's origin cluster: one request per cluster. */
    private <T> Map<Admin, List<T>> byCluster(Collection<T> items, Function<T, String> topic) {
        Map<Admin, List<T>> grouped = new IdentityHashMap<>();
        for (T item : items) {
            String origin = GeokvNames.regionOfEventTopic(topic.apply(item))
                    .orElseThrow(() -> new IllegalArgumentException("not an event topic: " + topic.apply(item)));
            grouped.computeIfAbsent(admins.of(origin), a -> new ArrayList<>()).add(item);
        }
        return grouped;
    }
}
