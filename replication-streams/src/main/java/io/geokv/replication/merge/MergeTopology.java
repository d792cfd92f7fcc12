package io.geokv.replication.merge;

import io.geokv.conflict.KeyLimits;
import io.geokv.naming.GeokvNames;
import io.micrometer.core.instrument.Counter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology of one region's Streams application: every region's event topic feeds one merge
 * processor that keeps each key's merged state in a store and emits the new state to the region's
 * materialized topic, from which the sink writes PostgreSQL and Redis.
 */
public final class MergeTopology {

    public static final String STATE_STORE = "key-states";
    static final String SOURCE = "events";
    static final String MERGE = "merge";
    static final String MATERIALIZED_SINK = "materialized";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private MergeTopology() {}

    /**
     * @param siblingWarnings counts merged states with more siblings than the limits' warning level
     * @param partitionCounts the current partition count of an event topic (asked rarely: see {@link
     *     PartitionCountChangedException})
     */
    public static Topology build(
            String region,
            Collection<String> allRegions,
            int partitions,
            KeyLimits limits,
            Counter siblingWarnings,
            ToIntFunction<String> partitionCounts) {
        List<String> regions = List.copyOf(allRegions);
        String[] sources = regions.stream().map(GeokvNames::eventTopic).toArray(String[]::new);
        Topology topology = new Topology();
        topology.addSource(
                SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), sources);
        topology.addProcessor(
                MERGE,
                () -> new MergeProcessor(region, regions, partitions, limits, siblingWarnings, partitionCounts),
                SOURCE);
        // The changelog carries merged states: it must take the largest state the limits allow.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(
                                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(limits.stateRecordBytes()))),
                MERGE);
        topology.addSink(
                MATERIALIZED_SINK,
                GeokvNames.materializedTopic(region),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                MERGE);
        topology.addSink(
                DEAD_LETTER_SINK,
                GeokvNames.DEAD_LETTER_TOPIC,
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                MERGE);
        return topology;
    }
}
