package io.geokv.gateway.consistency;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;

import io.geokv.naming.GeokvNames;
import io.geokv.event.EventTopics;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.session.SessionPositions.Partition;

/**
 * Where the log of one key ends: in every region's topic, the end offset of the partition the key's
 * events go to. A region that has applied up to these positions holds every write of the key that
 * was acknowledged before they were read, in whichever region it was written.
 */
public final class KeyLogEnds {

    private final Admin admin;
    private final List<String> regions;
    private final int partitions;

    public KeyLogEnds(Admin admin, List<String> regions, int partitions) {
        this.admin = admin;
        this.regions = List.copyOf(regions);
        this.partitions = partitions;
    }

    /** The partition the key's events go to, in every region's topic. */
    public List<Partition> partitionsOf(String tenant, String key) {
        int partition = EventTopics.partitionOf(EventTopics.recordKey(tenant, key), partitions);
        return regions.stream().map(region -> new Partition(GeokvNames.eventTopic(region), partition)).toList();
    }

    /** The positions just past the key's last event in every region's topic (as a session's positions). */
    public Mono<SessionPositions> of(String tenant, String key) {
        Map<TopicPartition, OffsetSpec> request = partitionsOf(tenant, key).stream()
                .collect(Collectors.toMap(p -> new TopicPartition(p.topic(), p.partition()), p -> OffsetSpec.latest()));
        return Mono.fromCompletionStage(() -> admin.listOffsets(request).all().toCompletionStage())
                .map(ends -> {
                    SessionPositions positions = SessionPositions.empty();
                    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
                        if (end.getValue().offset() > 0) {
                            positions = positions.withWrite(new Partition(end.getKey().topic(), end.getKey().partition()),
                                    end.getValue().offset() - 1, 0);
                        }
                    }
                    return positions;
                });
    }
}
