package io.geokv.system.history;

import static org.awaitility.Awaitility.await;

import io.geokv.history.Fault;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.progress.TopicOffsets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Injects faults at random moments while a history's clients run, one at a time: each is healed
 * after a random while, and its window ends only once every region has applied everything the log
 * held at the heal, so that the recorded window covers the time the system needs to recover. A fault
 * after which replication never catches up fails the history.
 */
final class FaultInjector implements Runnable {

    /** The fault kinds this injector draws from (client-cancel is the clients' own). */
    static final List<String> KINDS =
            List.of("kill-replication", "redis-restart", "postgres-cut", "duplicate-event", "clock-skew");

    private static final Duration CATCH_UP = Duration.ofMinutes(3);

    private final HistoryDeployment deployment;
    private final Recorder recorder;
    private final Random random;
    private final long deadlineNanos;
    private final LogPositions historyStart;
    private final String tenant;
    private volatile RuntimeException failure;

    FaultInjector(
            HistoryDeployment deployment,
            Recorder recorder,
            long seed,
            long deadlineNanos,
            LogPositions historyStart,
            String tenant) {
        this.deployment = deployment;
        this.recorder = recorder;
        this.random = new Random(seed);
        this.deadlineNanos = deadlineNanos;
        this.historyStart = historyStart;
        this.tenant = tenant;
    }

    /** The failure that stopped the injector, if any (e.g. replication never caught up). */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Thread.sleep(300 + random.nextInt(1500));
                if (System.nanoTime() >= deadlineNanos) {
                    return;
                }
                inject(KINDS.get(random.nextInt(KINDS.size())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private void inject(String kind) throws Exception {
        String region = HistoryDeployment.REGIONS.get(random.nextInt(HistoryDeployment.REGIONS.size()));
        long started = System.nanoTime();
        Duration held = Duration.ofMillis(300 + random.nextInt(2500));
        switch (kind) {
            case "kill-replication" -> {
                region = null;
                deployment.killReplication();
                Thread.sleep(held.toMillis());
                deployment.startReplication();
            }
            case "redis-restart" -> {
                region = null;
                deployment.stopRedis();
                Thread.sleep(held.toMillis());
                deployment.startRedis();
            }
            case "postgres-cut" -> {
                deployment.cutPostgres(region);
                Thread.sleep(held.toMillis());
                deployment.restorePostgres(region);
            }
            case "duplicate-event" -> {
                region = reproduceARecordedEvent();
                if (region == null) {
                    return; // nothing of this history in the log yet
                }
            }
            case "clock-skew" -> {
                region = null;
                int millis = 100 + random.nextInt(700);
                deployment.skewClock(Duration.ofMillis(random.nextBoolean() ? millis : -millis));
                Thread.sleep(held.toMillis());
                deployment.skewClock(Duration.ZERO);
            }
            default -> throw new IllegalArgumentException("unknown fault " + kind);
        }
        LogPositions atHeal = deployment.logEnd();
        await("every region applies the log after " + kind)
                .atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> deployment.everyRegionApplied(atHeal));
        recorder.fault(new Fault(kind, region, started, System.nanoTime()));
    }

    /**
     * Produces one of this history's records again, unchanged (key, value, headers, partition): what a
     * producer retry or an operator's re-publish does. Returns the region whose topic got it.
     */
    private String reproduceARecordedEvent() {
        LogPositions end = deployment.logEnd();
        List<EventPartition> written = new ArrayList<>();
        end.asMap().forEach((partition, offset) -> {
            if (offset > historyStart.next(partition)) {
                written.add(partition);
            }
        });
        if (written.isEmpty()) {
            return null;
        }
        EventPartition chosen = written.get(random.nextInt(written.size()));
        TopicPartition partition = TopicOffsets.kafka(chosen);
        long from = historyStart.next(chosen);
        long offset = from + (long) (random.nextDouble() * (end.next(chosen) - from));
        try (KafkaConsumer<byte[], byte[]> consumer = deployment.consumer();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null
                            && new String(record.key(), StandardCharsets.UTF_8).startsWith(tenant + "/")) {
                        producer.send(new ProducerRecord<>(
                                        record.topic(),
                                        record.partition(),
                                        null,
                                        record.key(),
                                        record.value(),
                                        record.headers()))
                                .get();
                        return GeokvNames.regionOfEventTopic(record.topic()).orElseThrow();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot re-produce a recorded event", e);
        }
        return null;
    }

    private Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return properties;
    }
}
