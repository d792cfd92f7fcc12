package io.geokv.topics;

import io.geokv.naming.GeokvNames;
import io.geokv.position.OriginOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Which Kafka cluster holds each region's log: the one place the two topologies differ for a Kafka
 * client.
 *
 * <ul>
 *   <li><b>single</b>: one cluster holds every region's event topic; every client uses the bootstrap
 *       servers the user configured for Kafka.
 *   <li><b>multi</b>: each region has its own cluster. A region's gateway writes to its region's
 *       cluster, which holds the region's own event topic (the original, where positions are told) and
 *       a mirrored copy of every other region's, under the same name; a region's replication reads
 *       only its region's cluster.
 * </ul>
 *
 * Invariant: in multi, every region has a cluster of its own (no two regions share bootstrap
 * servers), so the original of each event topic lives in exactly one cluster.
 */
public final class RegionClusters {

    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> regions;
    private final Map<String, String> bootstrapServers;

    private RegionClusters(List<String> regions, Map<String, String> bootstrapServers) {
        this.regions = List.copyOf(regions);
        this.bootstrapServers = bootstrapServers;
    }

    /** Every region's topic in the one cluster Kafka clients are configured for. */
    public static RegionClusters single(List<String> regions) {
        return new RegionClusters(regions, Map.of());
    }

    /**
     * A cluster per region.
     *
     * @param bootstrapServers every region's cluster, by region name, in the deployment's order
     * @throws IllegalArgumentException when a region has none or two regions share one
     */
    public static RegionClusters multi(Map<String, String> bootstrapServers) {
        Set<String> seen = new HashSet<>();
        bootstrapServers.forEach((region, servers) -> {
            if (servers == null || servers.isBlank()) {
                throw new IllegalArgumentException("region '" + region + "' has no Kafka bootstrap servers");
            }
            if (!seen.add(servers.trim())) {
                throw new IllegalArgumentException("regions share Kafka bootstrap servers '" + servers
                        + "': in the multi topology each region has a cluster of its own");
            }
        });
        return new RegionClusters(
                List.copyOf(bootstrapServers.keySet()), Map.copyOf(new LinkedHashMap<>(bootstrapServers)));
    }

    public boolean multi() {
        return !bootstrapServers.isEmpty();
    }

    public List<String> regions() {
        return regions;
    }

    /**
     * The settings of a client of {@code region}'s cluster: {@code client} itself in single, a copy with
     * the region's bootstrap servers in multi.
     */
    public Map<String, Object> settingsFor(String region, Map<String, Object> client) {
        if (!multi()) {
            return client;
        }
        Map<String, Object> settings = new LinkedHashMap<>(client);
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServersOf(region));
        return settings;
    }

    /** The bootstrap servers of {@code region}'s cluster (multi only). */
    public String bootstrapServersOf(String region) {
        String servers = bootstrapServers.get(region);
        if (servers == null) {
            throw new IllegalArgumentException(
                    multi() ? "unknown region '" + region + "'" : "single topology: no cluster per region");
        }
        return servers;
    }

    /**
     * Whether {@code topicRegion}'s event topic, read in {@code readerRegion}'s cluster, is a mirrored
     * copy: its offsets are not the origin's, and each record carries its origin offset in a header.
     */
    public boolean mirrored(String topicRegion, String readerRegion) {
        return multi() && !topicRegion.equals(readerRegion);
    }

    /**
     * Where a record of an event topic, read in {@code readerRegion}'s cluster, stands in its origin's
     * topic: its own offset in an original, the offset the mirror stamped on a copy (empty when a copy
     * has none: it was never in its origin's topic).
     */
    public OptionalLong originOffset(ConsumerRecord<?, ?> record, String readerRegion) {
        String topicRegion = GeokvNames.regionOfEventTopic(record.topic()).orElseThrow();
        return mirrored(topicRegion, readerRegion)
                ? stampedOriginOffset(record.headers())
                : OptionalLong.of(record.offset());
    }

    /** The origin offset the mirror stamped on a copy (header {@value GeokvNames#ORIGIN_OFFSET_HEADER}), if it did. */
    public static OptionalLong stampedOriginOffset(Headers headers) {
        Header header = headers.lastHeader(GeokvNames.ORIGIN_OFFSET_HEADER);
        return header == null ? OptionalLong.empty() : OriginOffset.decode(header.value());
    }

    /** Every partition of every region's event topic in the cluster {@code consumer} reads. */
    public List<TopicPartition> eventPartitions(Consumer<?, ?> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String region : regions) {
            String topic = GeokvNames.eventTopic(region);
            consumer.partitionsFor(topic, PARTITIONS_TIMEOUT)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    /** The event topics that are mirrored copies in {@code readerRegion}'s cluster (none in single). */
    public Set<String> mirroredTopics(String readerRegion) {
        return regions.stream()
                .filter(origin -> mirrored(origin, readerRegion))
                .map(GeokvNames::eventTopic)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Opens a client of every cluster: one for all regions in single, one per region in multi.
     *
     * @param settings the client's settings; each cluster's get its bootstrap servers
     */
    public <T extends AutoCloseable> PerCluster<T> open(
            Map<String, Object> settings, Function<Map<String, Object>, T> open) {
        Map<String, T> byRegion = new LinkedHashMap<>();
        List<T> opened = new ArrayList<>();
        try {
            if (multi()) {
                for (String region : regions) {
                    T client = open.apply(settingsFor(region, settings));
                    opened.add(client);
                    byRegion.put(region, client);
                }
            } else {
                T client = open.apply(settings);
                opened.add(client);
                regions.forEach(region -> byRegion.put(region, client));
            }
        } catch (RuntimeException e) {
            opened.forEach(client -> PerCluster.closeQuietly(client, e));
            throw e;
        }
        return new PerCluster<>(byRegion, opened);
    }

    /** A client of every region's cluster (shared by every region in single). */
    public static final class PerCluster<T extends AutoCloseable> implements AutoCloseable {

        private final Map<String, T> byRegion;
        private final List<T> clients;

        private PerCluster(Map<String, T> byRegion, List<T> clients) {
            this.byRegion = byRegion;
            this.clients = clients;
        }

        /** The client of {@code region}'s cluster. */
        public T of(String region) {
            return Objects.requireNonNull(byRegion.get(region), () -> "unknown region '" + region + "'");
        }

        /** Each client once. */
        public Collection<T> clients() {
            return clients;
        }

        /** Each client once, with the regions whose cluster it is a client of, in the deployment's order. */
        public Map<T, List<String>> regionsByClient() {
            Map<T, List<String>> regions = new LinkedHashMap<>();
            byRegion.forEach((region, client) ->
                    regions.computeIfAbsent(client, c -> new ArrayList<>()).add(region));
            return regions;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (T client : clients) {
                try {
                    client.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing a Kafka client failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private static void closeQuietly(AutoCloseable client, RuntimeException cause) {
            try {
                client.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }
}
