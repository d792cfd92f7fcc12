package io.geokv.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.naming.GeokvNames;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestMirror;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.mirror.MirrorMaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two regions, each with a Kafka cluster of its own, mirrored by MirrorMaker 2 in dedicated mode with
 * the configuration {@link MirrorFlows} makes: every event reaches the other cluster under its own
 * topic name and partition, carrying its offset in its origin cluster; nothing is mirrored back, and
 * nothing of an aborted transaction is mirrored; with exactly-once copies turned on, as a user may.
 */
class MirrorMakerIT {

    private static final int EVENTS = 30;
    private static final int PARTITIONS = 3;

    private static final Map<String, String> clusters = new LinkedHashMap<>();
    private static MirrorMaker mirror;

    /** Where an event sits in a cluster, and the origin offset it carries there (-1: none). */
    record Placed(int partition, long offset, long originOffset) {}

    @BeforeAll
    static void startClustersAndMirror() throws Exception {
        for (String region : List.of("us-east", "eu-west")) {
            String servers = TestKafka.newCluster();
            clusters.put(region, servers);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
                admin.createTopics(List.of(new NewTopic(GeokvNames.eventTopic(region), PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
        }
        Map<String, String> settings = new HashMap<>(MirrorFlows.replicationFactor(1));
        settings.putAll(TestMirror.settings());
        // Exactly-once copies are opt-in (MirrorFlows): they must work with geokv's flows.
        for (String region : clusters.keySet()) {
            settings.put(region + "." + MirrorFlows.EXACTLY_ONCE, "enabled");
        }
        mirror = new MirrorMaker(MirrorFlows.properties(clusters, settings));
        mirror.start();
    }

    @AfterAll
    static void stopMirror() {
        if (mirror != null) {
            mirror.stop();
        }
    }

    @Test
    void everyCommittedEventIsMirroredWithItsOffsetInItsOriginClusterAndNothingElse() throws Exception {
        String usEast = GeokvNames.eventTopic("us-east");
        String euWest = GeokvNames.eventTopic("eu-west");
        // One transaction per event, each after an aborted one: their markers take offsets, so the origin
        // offsets are not those of the mirrored copies (0, 1, 2...), as after any transaction or compaction.
        Map<String, Placed> fromUsEast = produce(clusters.get("us-east"), usEast);
        Map<String, Placed> fromEuWest = produce(clusters.get("eu-west"), euWest);

        Duration deadline = Duration.ofSeconds(90);
        await().atMost(deadline)
                .until(() -> read(clusters.get("eu-west"), usEast).keySet().containsAll(fromUsEast.keySet())
                        && read(clusters.get("us-east"), euWest).keySet().containsAll(fromEuWest.keySet()));

        assertCopies(fromUsEast, read(clusters.get("eu-west"), usEast));
        assertCopies(fromEuWest, read(clusters.get("us-east"), euWest));
        // Each origin topic holds what was committed to it, and its copy nothing more: read in offset
        // order, a copy that holds an event's successor on its partition has passed the aborted event.
        assertThat(read(clusters.get("us-east"), usEast)).hasSize(EVENTS);
        assertThat(read(clusters.get("eu-west"), euWest)).hasSize(EVENTS);
        assertThat(read(clusters.get("eu-west"), usEast)).hasSize(EVENTS);
        // Exactly once as asked: the copies are written by MirrorMaker 2's transactional producers.
        for (String servers : clusters.values()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
                assertThat(admin.listTransactions().all().get(30, TimeUnit.SECONDS))
                        .as("transactional producers in " + servers)
                        .anyMatch(t -> t.transactionalId().contains("MirrorSourceConnector"));
            }
        }
    }

    private static void assertCopies(Map<String, Placed> originals, Map<String, Placed> copies) {
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(originals.keySet());
        copies.forEach((event, copy) -> {
            Placed original = originals.get(event);
            assertThat(copy.partition()).as(event).isEqualTo(original.partition());
            assertThat(copy.originOffset()).as(event).isEqualTo(original.offset());
        });
        assertThat(copies.values()).anyMatch(copy -> copy.offset() != copy.originOffset());
    }

    /**
     * EVENTS events, each in its own transaction after an aborted transaction with an event of the same
     * key (so on the same partition, right before it); where each committed event landed, by its value.
     */
    private static Map<String, Placed> produce(String servers, String topic) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "mirror-it-" + UUID.randomUUID());
        Map<String, Placed> placed = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            for (int i = 0; i < EVENTS; i++) {
                String event = topic + "#" + i;
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "t/k" + i, event + "-aborted"))
                        .get();
                producer.abortTransaction();
                producer.beginTransaction();
                RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "t/k" + i, event))
                        .get();
                producer.commitTransaction();
                placed.put(event, new Placed(sent.partition(), sent.offset(), -1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return placed;
    }

    /** Every committed record of the topic in that cluster, by value. */
    private static Map<String, Placed> read(String servers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        Map<String, Placed> found = new HashMap<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    Header origin = record.headers().lastHeader(GeokvNames.ORIGIN_OFFSET_HEADER);
                    long originOffset = origin == null
                            ? -1
                            : ByteBuffer.wrap(origin.value()).getLong();
                    found.put(record.value(), new Placed(record.partition(), record.offset(), originOffset));
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return Map.of(); // the mirrored topic does not exist yet
        }
        return found;
    }
}
