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
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.region.RegionReplication;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.store.postgres.RegionDigest;
import io.geokv.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A region's PostgreSQL and Kafka Streams' committed input offsets are two commits, and a crash can
 * fall between them either way. Each test stops a region and then sets its group's committed offsets
 * where such a crash leaves them, starts it again, and checks that it ends with exactly the state of
 * the regions that never stopped: no event folded twice (dots are counted per key in log order, so a
 * second fold of an event would change the state), none skipped.
 */
@ExtendWith(SharedReplication.class)
class CrashBetweenCommitsIT {

    private static final String EU = "eu-west";
    private static final String US = "us-east";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HybridLogicalClock CLOCK = new HybridLogicalClock();

    private static KafkaProducer<String, KvEvent> events;
    private static Admin admin;

    @BeforeAll
    static void open() {
        events = SharedReplication.eventProducer();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
    }

    @AfterAll
    static void close() {
        events.close();
        admin.close();
    }

    /**
     * A crash after PostgreSQL committed a batch and before Kafka committed its offsets (here: none
     * committed at all): every record is delivered again, and every one is skipped by offset.
     */
    @Test
    void recordsPostgresAlreadyHoldsAreSkippedWhenKafkaDeliversThemAgain() {
        String tenant = uniqueTenant();
        writeSeveralEventsPerKeyAndOrigin(tenant);
        awaitEveryRegionHasAppliedEverything();
        KeyState before = find(EU, tenant, "k0");

        RegionReplication euWest = region(EU);
        euWest.stop();
        commitOffsets(EU, startsOfEveryPartition());
        euWest.start(false);
        events.send(event(US, tenant, "after-restart", VersionVector.empty()));
        events.flush();

        awaitEveryRegionHasAppliedEverything();
        assertThat(find(EU, tenant, "k0")).as("nothing folded twice").isEqualTo(before);
        assertThat(digest(EU)).isEqualTo(digest(US));
    }

    /**
     * A crash after Kafka committed the offsets of records whose batch had not reached PostgreSQL:
     * the task reads them back with its own consumer at its start before going on.
     */
    @Test
    void recordsKafkaCommittedButPostgresNeverGotAreReadBackAtTheStart() {
        String tenant = uniqueTenant();
        RegionReplication euWest = region(EU);
        euWest.stop();
        writeSeveralEventsPerKeyAndOrigin(tenant);
        commitOffsets(EU, eventTopicEnds());
        euWest.start(false);

        awaitEveryRegionHasAppliedEverything();
        assertThat(find(EU, tenant, "k0")).isNotNull().isEqualTo(find(US, tenant, "k0"));
        assertThat(digest(EU)).isEqualTo(digest(US));
    }

    /**
     * A database whose applied offsets lie beyond the end of the log was built from another log (the
     * topics were created again): skipping by those offsets would hide acknowledged writes, so the
     * region stops, loudly, instead of replicating.
     */
    @Test
    void aRegionWhoseDatabaseIsAheadOfTheLogStopsInsteadOfSkippingWrites() throws Exception {
        RegionReplication euWest = region(EU);
        euWest.stop();
        sql(EU, "UPDATE applied_offsets SET read_offset = read_offset + 1000, next_offset = next_offset + 1000");
        try {
            euWest.start(false);
            await().atMost(DEADLINE).until(() -> euWest.state() == KafkaStreams.State.ERROR);
        } finally {
            euWest.stop();
            sql(EU, "UPDATE applied_offsets SET read_offset = read_offset - 1000, next_offset = next_offset - 1000");
            euWest.start(false);
        }
        await().atMost(DEADLINE).until(() -> euWest.state() == KafkaStreams.State.RUNNING);
        awaitEveryRegionHasAppliedEverything();
    }

    private static void sql(String region, String statement) throws Exception {
        try (Connection c = stores().get(region).database().dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static void writeSeveralEventsPerKeyAndOrigin(String tenant) {
        for (int round = 0; round < 3; round++) {
            for (String origin : REGIONS) {
                for (int k = 0; k < 10; k++) {
                    events.send(event(origin, tenant, "k" + k, VersionVector.empty()));
                }
            }
        }
        events.flush();
    }

    private static void awaitEveryRegionHasAppliedEverything() {
        LogPositions end = eventTopicEnds();
        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(appliedPositions(region)).as(region).isEqualTo(end);
            }
        });
    }

    private static LogPositions startsOfEveryPartition() {
        LogPositions zero = LogPositions.empty();
        for (EventPartition partition : eventTopicEnds().asMap().keySet()) {
            zero = zero.with(partition, 0);
        }
        return zero;
    }

    /** Sets the region's committed input offsets, as a crash would have left them. */
    private static void commitOffsets(String region, LogPositions positions) {
        String group = GeokvNames.streamsApplicationId(region);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        eventTopicEnds()
                .asMap()
                .keySet()
                .forEach(p -> offsets.put(
                        new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(positions.next(p))));
        await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() -> {
            try {
                admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                        .all()
                        .get();
            } catch (Exception noMembersLeft) {
                // The stopped application already left its group.
            }
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        });
    }

    private static RegionReplication region(String name) {
        return SharedReplication.context().getBean(ReplicationSupervisor.class).region(name);
    }

    private static ProducerRecord<String, KvEvent> event(
            String origin, String tenant, String key, VersionVector context) {
        KvEvent event = KvEvents.newEvent(
                UUID.randomUUID().toString(),
                tenant,
                key,
                (origin + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                "text/plain",
                origin,
                context,
                CLOCK.tick());
        return new ProducerRecord<>(GeokvNames.eventTopic(origin), EventTopics.recordKey(tenant, key), event);
    }

    private static RegionDigest digest(String region) {
        return stores().get(region).reader().digest().block(Duration.ofSeconds(30));
    }

    private static KeyState find(String region, String tenant, String key) {
        return stores().get(region).reader().find(tenant, key).block(Duration.ofSeconds(10));
    }
}
