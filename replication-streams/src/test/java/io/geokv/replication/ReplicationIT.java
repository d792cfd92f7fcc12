package io.geokv.replication;

import static io.geokv.replication.SharedReplication.REGIONS;
import static io.geokv.replication.SharedReplication.appliedPositions;
import static io.geokv.replication.SharedReplication.eventTopicEnds;
import static io.geokv.replication.SharedReplication.stores;
import static io.geokv.replication.SharedReplication.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.apply.OriginHeaders;
import io.geokv.replication.region.ReplicationEndpoint;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events produced straight to Kafka, as any client may, end up in every region's PostgreSQL and
 * Redis, through the real broker and the whole replication app.
 */
@ExtendWith(SharedReplication.class)
class ReplicationIT {

    private static final String EU = "eu-west";
    private static final String US = "us-east";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HybridLogicalClock CLOCK = new HybridLogicalClock();

    private static KafkaProducer<String, KvEvent> events;
    private static KafkaProducer<String, byte[]> raw;

    @BeforeAll
    static void openProducers() {
        events = SharedReplication.eventProducer();
        raw = SharedReplication.rawProducer();
    }

    @AfterAll
    static void closeProducers() {
        events.close();
        raw.close();
    }

    @Test
    void concurrentWritesReachEveryRegionsDatabaseAndCacheWithTheLastWriterWinsValue() {
        String tenant = uniqueTenant();
        long now = CLOCK.tick();
        // Two writers that had not seen each other; the one with the later clock is produced first,
        // so arrival order would pick the wrong value.
        KvEvent later = put(EU, tenant, "greeting", "hello from later", VersionVector.empty(), now + 10);
        KvEvent earlier = put(EU, tenant, "greeting", "hello from earlier", VersionVector.empty(), now);
        send(later);
        send(earlier);

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                KeyState state = find(region, tenant, "greeting");
                assertThat(state).as(region).isNotNull();
                assertThat(state.version()).as(region).isEqualTo(2);
                assertThat(state.siblings())
                        .as(region + ": concurrent writes are both kept")
                        .hasSize(2);
                assertThat(winner(state)).as(region).isEqualTo("hello from later");
                KeyState cached =
                        stores().get(region).cache().get(tenant, "greeting").block(Duration.ofSeconds(5));
                assertThat(cached).as(region + " Redis").isEqualTo(state);
            }
        });
    }

    @Test
    void undecodableBytesAreDeadLetteredOnceWithTheirReasonAndLaterEventsAreStillApplied() throws Exception {
        String tenant = uniqueTenant();
        String recordKey = EventTopics.recordKey(tenant, "k");
        byte[] garbage = ("not an event " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        RecordMetadata bad = raw.send(new ProducerRecord<>(GeokvNames.eventTopic(EU), recordKey, garbage))
                .get();
        send(put(EU, tenant, "k", "valid after garbage", VersionVector.empty(), CLOCK.tick()));

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(find(region, tenant, "k"))
                        .as(region)
                        .isNotNull()
                        .satisfies(state -> assertThat(winner(state)).isEqualTo("valid after garbage"));
            }
        });
        // Every region has now processed and committed the garbage (it came first in the same
        // partition), so every dead letter it caused is already readable.
        List<ConsumerRecord<String, byte[]>> letters = deadLettersWithKey(recordKey);
        assertThat(letters)
                .as("only the region owning the topic dead-letters it")
                .singleElement()
                .satisfies(letter -> {
                    assertThat(letter.value()).isEqualTo(garbage);
                    assertThat(header(letter, OriginHeaders.ERROR_REASON)).startsWith("undecodable event");
                    assertThat(header(letter, OriginHeaders.DEAD_LETTERED_BY)).isEqualTo(EU);
                    assertThat(OriginHeaders.read(letter.headers())).get().satisfies(origin -> {
                        assertThat(origin.topic()).isEqualTo(bad.topic());
                        assertThat(origin.partition()).isEqualTo(bad.partition());
                        assertThat(origin.offset()).isEqualTo(bad.offset());
                    });
                });
        ReplicationSupervisor supervisor = SharedReplication.context().getBean(ReplicationSupervisor.class);
        assertThat(supervisor.hosted().values())
                .allSatisfy(replication -> assertThat(replication.state()).isEqualTo(KafkaStreams.State.RUNNING));
    }

    /**
     * A state PostgreSQL refuses for good (here a check constraint an operator added to the table)
     * goes to the dead-letter topic with the reason; the rest of its batch, and every batch after it,
     * is still applied. Once the cause is gone, a later write of the key is applied again.
     */
    @Test
    void aStateThePostgresRefusesForGoodIsDeadLetteredAndReplicationGoesOn() throws Exception {
        String tenant = uniqueTenant();
        String recordKey = EventTopics.recordKey(tenant, "refused");
        String constraint = "CHECK (tenant <> '" + tenant + "' OR key <> 'refused')";
        REGIONS.forEach(region -> sql(region, "ALTER TABLE kv_state ADD CONSTRAINT refuse_one_key " + constraint));
        try {
            send(put(US, tenant, "refused", "PostgreSQL will not take it", VersionVector.empty(), CLOCK.tick()));
            send(put(US, tenant, "after", "applied after the refused state", VersionVector.empty(), CLOCK.tick()));

            await().atMost(DEADLINE).untilAsserted(() -> {
                for (String region : REGIONS) {
                    assertThat(find(region, tenant, "after")).as(region).isNotNull();
                }
            });
        } finally {
            REGIONS.forEach(region -> sql(region, "ALTER TABLE kv_state DROP CONSTRAINT refuse_one_key"));
        }
        for (String region : REGIONS) {
            assertThat(find(region, tenant, "refused")).as(region).isNull();
        }
        // A write that supersedes the refused one, so that every region (a replayed one too) holds
        // the same state of the key for the tests that follow.
        send(put(US, tenant, "refused", "taken now", VersionVector.of(Map.of(US, 1L)), CLOCK.tick()));
        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(find(region, tenant, "refused"))
                        .as(region)
                        .isNotNull()
                        .satisfies(state -> assertThat(winner(state)).isEqualTo("taken now"));
            }
        });
        assertThat(deadLettersWithKey(recordKey))
                .as("each region dead-letters the state its own PostgreSQL refused")
                .hasSize(REGIONS.size())
                .allSatisfy(letter -> {
                    assertThat(winner(KeyStateCodec.decode(letter.value()))).isEqualTo("PostgreSQL will not take it");
                    assertThat(header(letter, OriginHeaders.ERROR_REASON))
                            .contains("PostgreSQL refused this merged state");
                })
                .extracting(letter -> header(letter, OriginHeaders.DEAD_LETTERED_BY))
                .containsExactlyInAnyOrderElementsOf(REGIONS);
    }

    private static void sql(String region, String statement) {
        try (Connection c = stores().get(region).database().dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (SQLException e) {
            throw new AssertionError(region + ": " + statement, e);
        }
    }

    /**
     * Concurrent large values from every region: the merged state passes a Kafka producer's default
     * request size (1 MiB), but the key limits size every record that carries it, so every region
     * keeps replicating, and the key keeps at most the limits' siblings.
     */
    @Test
    void concurrentLargeValuesFromEveryRegionNeverStopReplication() {
        String tenant = uniqueTenant();
        byte[] large = new byte[600 * 1024];
        for (int round = 0; round < 3; round++) {
            for (String region : REGIONS) {
                large[round] = (byte) region.hashCode();
                send(KvEvents.newEvent(
                        UUID.randomUUID().toString(),
                        tenant,
                        "large",
                        large,
                        "application/octet-stream",
                        region,
                        VersionVector.empty(),
                        CLOCK.tick()));
            }
        }
        send(put(EU, tenant, "probe", "after the large ones", VersionVector.empty(), CLOCK.tick()));

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(find(region, tenant, "probe"))
                        .as("probe in " + region)
                        .isNotNull();
                KeyState state = find(region, tenant, "large");
                assertThat(state).as(region).isNotNull();
                assertThat(state.version()).isEqualTo(9);
                assertThat(KeyStateCodec.encode(state).length).isGreaterThan(1024 * 1024);
            }
        });
        KeyState first = find(US, tenant, "large");
        for (String region : REGIONS) {
            assertThat(find(region, tenant, "large").digest()).isEqualTo(first.digest());
        }
        assertThat(first.siblings()).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void theSameEventProducedTwiceIsCountedOnce() {
        String tenant = uniqueTenant();
        KvEvent once = put(EU, tenant, "k", "first", VersionVector.empty(), CLOCK.tick());
        KvEvent next = put(EU, tenant, "k", "second", VersionVector.empty(), CLOCK.tick());
        send(once);
        send(once);
        send(next);

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                KeyState state = find(region, tenant, "k");
                assertThat(state).as(region).isNotNull();
                assertThat(state.lastEventIds()).as(region).containsEntry(EU, next.getEventId());
                assertThat(state.version())
                        .as(region + ": three records, two distinct events")
                        .isEqualTo(2);
                assertThat(state.siblings())
                        .extracting(Sibling::eventId)
                        .as(region)
                        .containsExactlyInAnyOrder(once.getEventId(), next.getEventId());
            }
        });
    }

    @Test
    void everyRegionsAppliedOffsetsReachTheEndOfEveryEventTopic() {
        String tenant = uniqueTenant();
        for (String origin : REGIONS) {
            for (int i = 0; i < 5; i++) {
                events.send(new ProducerRecord<>(
                        GeokvNames.eventTopic(origin),
                        EventTopics.recordKey(tenant, "k" + i),
                        put(origin, tenant, "k" + i, origin + " " + i, VersionVector.empty(), CLOCK.tick())));
            }
        }
        events.flush();
        LogPositions end = eventTopicEnds();
        assertThat(end.asMap().keySet())
                .extracting(EventPartition::topic)
                .containsAll(REGIONS.stream().map(GeokvNames::eventTopic).toList());

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(appliedPositions(region))
                        .as(region + " applied offsets (zero lag)")
                        .isEqualTo(end);
            }
        });
        for (String region : REGIONS) {
            assertThat(find(region, tenant, "k4")).as(region).isNotNull();
        }
    }

    @Test
    void aPausedRegionAppliesNothingUntilItIsResumedThenEverythingWaiting() {
        String tenant = uniqueTenant();
        ReplicationEndpoint endpoint = SharedReplication.context().getBean(ReplicationEndpoint.class);
        assertThat(endpoint.act(EU, "pause").getStatus()).isEqualTo(200);
        try {
            assertThat(endpoint.regions().get(EU)).isEqualTo(Map.of("state", "RUNNING", "paused", true));
            send(put(US, tenant, "while-paused", "waits in the log", VersionVector.empty(), CLOCK.tick()));
            await().atMost(DEADLINE).until(() -> find(US, tenant, "while-paused") != null);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> find(EU, tenant, "while-paused") == null);
        } finally {
            assertThat(endpoint.act(EU, "resume").getStatus()).isEqualTo(200);
        }
        await().atMost(DEADLINE).until(() -> find(EU, tenant, "while-paused") != null);
        assertThat(endpoint.act(EU, "rewind").getStatus()).isEqualTo(400);
        assertThat(endpoint.act("mars", "pause").getStatus()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- helpers

    private static KvEvent put(
            String origin, String tenant, String key, String value, VersionVector context, long hlc) {
        return KvEvents.newEvent(
                UUID.randomUUID().toString(),
                tenant,
                key,
                value.getBytes(StandardCharsets.UTF_8),
                "text/plain",
                origin,
                context,
                hlc);
    }

    /** Produces like any client: to the origin's topic, keyed tenant/key, waiting for the broker's acknowledgement. */
    private static void send(KvEvent event) {
        try {
            events.send(new ProducerRecord<>(
                            GeokvNames.eventTopic(event.getOriginRegion()),
                            EventTopics.recordKey(event.getTenant(), event.getKey()),
                            event))
                    .get();
        } catch (Exception e) {
            throw new AssertionError("producing " + event.getEventId() + " failed", e);
        }
    }

    private static KeyState find(String region, String tenant, String key) {
        return stores().get(region).reader().find(tenant, key).block(Duration.ofSeconds(10));
    }

    private static String winner(KeyState state) {
        return LastWriterWins.winner(state.siblings())
                .map(s -> s.isTombstone() ? null : new String(s.value(), StandardCharsets.UTF_8))
                .orElse(null);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Everything committed to the dead-letter topic so far with this record key. */
    private static List<ConsumerRecord<String, byte[]>> deadLettersWithKey(String recordKey) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(GeokvNames.DEAD_LETTER_TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(DEADLINE).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (recordKey.equals(r.key())) {
                        found.add(r);
                    }
                });
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return found;
    }
}
