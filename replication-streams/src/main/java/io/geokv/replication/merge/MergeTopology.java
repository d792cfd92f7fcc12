package io.geokv.replication.merge;

import java.util.Collection;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import io.geokv.event.EventTopics;

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

    /** The topic where region {@code region}'s merged states go, in processing order per partition. */
    public static String materializedTopic(String region) {
        return "kv-materialized." + region;
    }

    public static Topology build(String region, Collection<String> allRegions, int partitions, long maxValueBytes) {
        String[] sources = allRegions.stream().map(EventTopics::forRegion).toArray(String[]::new);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), sources);
        topology.addProcessor(MERGE, () -> new MergeProcessor(region, partitions, maxValueBytes), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray()),
                MERGE);
        topology.addSink(MATERIALIZED_SINK, materializedTopic(region),
                Serdes.String().serializer(), Serdes.ByteArray().serializer(), MERGE);
        topology.addSink(DEAD_LETTER_SINK, EventTopics.DEAD_LETTERS,
                Serdes.String().serializer(), Serdes.ByteArray().serializer(), MERGE);
        return topology;
    }
}
