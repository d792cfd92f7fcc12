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

    private final TopicProvisioner provisioner;
    private final List<String> regions;
    private final int partitions;
    private final HybridLogicalClock clock;
    private final TopicOffsets offsets;
    private final Supplier<Consumer<byte[], byte[]>> peekingConsumer;
    private volatile boolean running;

    /** @param peekingConsumer opens a consumer without a group for reading the log's last records; closed after use */
    public EventLogStartup(
            TopicProvisioner provisioner,
            List<String> regions,
            int partitions,
            HybridLogicalClock clock,
            TopicOffsets offsets,
            Supplier<Consumer<byte[], byte[]>> peekingConsumer) {
        this.provisioner = provisioner;
        this.regions = List.copyOf(regions);
        this.partitions = partitions;
        this.clock = clock;
        this.offsets = offsets;
        this.peekingConsumer = peekingConsumer;
    }

    @Override
    public void start() {
        provisioner.ensureEventTopics(regions, partitions);
        try (Consumer<byte[], byte[]> consumer = peekingConsumer.get()) {
            ClockSeed.observeLog(clock, regions, offsets, consumer);
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
