package io.geokv.gateway.events;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.progress.TopicOffsets;
import io.geokv.topics.TopicProvisioner;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * What must hold before the gateway takes its first write: every region's event topic exists (writes
 * must find their topic even when the gateway starts before replication-streams), and the clock that
 * stamps writes starts after every timestamp already in the log ({@link ClockSeed}). It runs in a
 * phase before the web server's, so no request arrives earlier; when Kafka cannot be reached the
 * gateway does not start.
 */
public final class EventLogStartup implements SmartLifecycle {

    /** Before the web server starts listening (Spring Boot starts it in a phase close to the last). */
    public static final int PHASE = 0;

    private final List<String> regions;
    private final int partitions;
    private final HybridLogicalClock clock;
    private final List<Cluster> clusters;
    private volatile boolean running;

    /**
     * One Kafka cluster of the deployment (the only one in the single topology).
     *
     * @param origins the regions whose event topic originates in it
     * @param peekingConsumer opens a consumer without a group for reading the log's last records; closed after use
     */
    public record Cluster(
            TopicProvisioner provisioner,
            List<String> origins,
            TopicOffsets offsets,
            Supplier<Consumer<byte[], byte[]>> peekingConsumer) {}

    /** @param clusters every cluster of the deployment */
    public EventLogStartup(List<String> regions, int partitions, HybridLogicalClock clock, List<Cluster> clusters) {
        this.regions = List.copyOf(regions);
        this.partitions = partitions;
        this.clock = clock;
        this.clusters = List.copyOf(clusters);
    }

    /** Every cluster holds every region's topic: its own, and the copies it is mirrored into. */
    @Override
    public void start() {
        for (Cluster cluster : clusters) {
            cluster.provisioner().ensureEventTopics(regions, partitions);
            try (Consumer<byte[], byte[]> consumer = cluster.peekingConsumer().get()) {
                ClockSeed.observeLog(clock, cluster.origins(), cluster.offsets(), consumer);
            }
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
