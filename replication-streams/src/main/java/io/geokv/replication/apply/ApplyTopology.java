package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.residency.Residency;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The topology of one region's Streams application: every region's event topic feeds one processor
 * per task ({@link ApplyProcessor}) that folds the events into the merged states the region's
 * PostgreSQL holds. No state store, no changelog, no output topic: PostgreSQL is the state.
 */
public final class ApplyTopology {

    static final String SOURCE = "events";
    static final String APPLY = "apply";

    private ApplyTopology() {}

    /** How a region's tasks batch and cache; see {@link ApplyProcessor}. */
    public record Batching(Duration applyInterval, int maxBatch, long maxBatchBytesPerTask, long cacheBytesPerTask) {}

    /**
     * @param region the region whose events are folded
     * @param residency which tenants' events the region passes over ({@link RecordCheck})
     * @param partitionCounts the current partition count of an event topic (asked rarely: see {@link
     *     PartitionCountChangedException})
     * @param committedOffsets the input offsets the region's Streams application committed
     * @param logEnds where the event topics' partitions end
     * @param consumerProperties the user's consumer settings, for reading back a gap at a task's start
     * @param mirroredTopics the event topics that are mirrored copies in the region's cluster
     */
    public static Topology build(
            RegionApplier applier,
            String region,
            Collection<String> allRegions,
            Residency residency,
            int partitions,
            KeyLimits limits,
            Batching batching,
            ToIntFunction<String> partitionCounts,
            Function<Set<EventPartition>, LogPositions> committedOffsets,
            Function<Set<EventPartition>, LogPositions> logEnds,
            Map<String, Object> consumerProperties,
            Set<String> mirroredTopics) {
        List<String> regions = List.copyOf(allRegions);
        Set<String> mirrored = Set.copyOf(mirroredTopics);
        GapReader gaps = new GapReader(consumerProperties, mirrored, Duration.ofMinutes(5));
        String[] sources = regions.stream().map(GeokvNames::eventTopic).toArray(String[]::new);
        Topology topology = new Topology();
        topology.addSource(
                SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), sources);
        topology.addProcessor(
                APPLY,
                () -> new ApplyProcessor(
                        applier,
                        regions,
                        mirrored,
                        // One per task: its decoder is not shared between stream threads.
                        new RecordCheck(region, residency, regions, partitions, limits, partitionCounts),
                        limits,
                        committedOffsets,
                        logEnds,
                        gaps,
                        batching.applyInterval(),
                        batching.maxBatch(),
                        batching.maxBatchBytesPerTask(),
                        batching.cacheBytesPerTask()),
                SOURCE);
        return topology;
    }
}
