package io.geokv.replication.region;

import io.geokv.replication.config.ReplicationProperties;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.topics.TopicProvisioner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.SmartLifecycle;

/** Starts the replication of every region hosted by this process once its topics exist, and stops it on shutdown. */
public final class ReplicationSupervisor implements SmartLifecycle {

    private final Map<String, RegionReplication> hosted;
    private final Function<String, TopicProvisioner> topics;
    private final List<String> allRegions;
    private final int partitions;
    private volatile boolean running;

    /** @param topics the provisioner of a region's cluster */
    public ReplicationSupervisor(
            ReplicationProperties properties,
            List<String> allRegions,
            RegionStores stores,
            Function<String, TopicProvisioner> topics,
            RegionReplicationFactory factory) {
        this.topics = topics;
        this.allRegions = List.copyOf(allRegions);
        this.partitions = properties.partitions();
        List<String> hostedNames = properties.hostedRegions().isEmpty() ? allRegions : properties.hostedRegions();
        this.hosted = hostedNames.stream()
                .collect(Collectors.toMap(
                        name -> name, name -> factory.create(name, stores.get(name)), (a, b) -> a, LinkedHashMap::new));
    }

    /** Builds a region's replication; a seam so the wiring stays in one configuration class. */
    @FunctionalInterface
    public interface RegionReplicationFactory {
        RegionReplication create(String region, RegionStore store);
    }

    public RegionReplication region(String name) {
        RegionReplication replication = hosted.get(name);
        if (replication == null) {
            throw new IllegalArgumentException("region '" + name + "' is not replicated by this process; hosted: "
                    + String.join(", ", hosted.keySet()));
        }
        return replication;
    }

    public Map<String, RegionReplication> hosted() {
        return hosted;
    }

    @Override
    public void start() {
        // Every region's topic in the cluster of every hosted region (one cluster in the single topology).
        hosted.keySet().stream().map(topics).distinct().forEach(t -> t.ensureEventTopics(allRegions, partitions));
        hosted.values().forEach(replication -> replication.start(false));
        running = true;
    }

    @Override
    public void stop() {
        hosted.values().forEach(RegionReplication::stop);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
