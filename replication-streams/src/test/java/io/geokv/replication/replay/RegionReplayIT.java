package io.geokv.replication.replay;

import static io.geokv.replication.SharedReplication.REGIONS;
import static io.geokv.replication.SharedReplication.appliedPositions;
import static io.geokv.replication.SharedReplication.eventTopicEnds;
import static io.geokv.replication.SharedReplication.stores;
import static io.geokv.replication.SharedReplication.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.LogPositions;
import io.geokv.replication.SharedReplication;
import io.geokv.replication.region.RegionReplication;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.replication.replay.RegionReplayer.ReplayResult;
import io.geokv.store.postgres.RegionDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** Rebuilding one region from the topics, while the others keep running, gives back exactly what they hold. */
@ExtendWith(SharedReplication.class)
class RegionReplayIT {

    private static final String US = "us-east";
    private static final String EU = "eu-west";
    private static final int KEYS = 300;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final HybridLogicalClock CLOCK = new HybridLogicalClock();

    @Test
    void aReplayedRegionHasTheLiveRegionsDigestAndKeepsReplicatingAfterwards() {
        String tenant = uniqueTenant();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, KvEvent> producer = SharedReplication.eventProducer()) {
            for (int i = 0; i < KEYS; i++) {
                String key = "k" + i;
                String origin = REGIONS.get(i % REGIONS.size());
                sent.add(send(producer, put(origin, tenant, key, "v" + i, VersionVector.empty())));
                if (i % 7 == 0) {
                    // A concurrent write from another region: the key keeps two siblings.
                    String other = REGIONS.get((i + 1) % REGIONS.size());
                    sent.add(send(producer, put(other, tenant, key, "concurrent " + i, VersionVector.empty())));
                }
                if (i % 11 == 0) {
                    // A delete that saw the first write: a tombstone row.
                    sent.add(send(producer, event(origin, tenant, key, null, VersionVector.of(Map.of(origin, 1L)))));
                }
            }
        }
        for (Future<RecordMetadata> ack : sent) {
            assertThat(ack).succeedsWithin(Duration.ofSeconds(30));
        }
        LogPositions end = eventTopicEnds();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String region : REGIONS) {
                assertThat(appliedPositions(region))
                        .as(region + " applied offsets")
                        .isEqualTo(end);
            }
            assertThat(REGIONS.stream().map(RegionReplayIT::digest).distinct())
                    .as("digests of all regions")
                    .hasSize(1);
        });
        RegionDigest live = digest(US);
        assertThat(live.records()).isGreaterThanOrEqualTo(KEYS);

        ReplicationSupervisor supervisor = SharedReplication.context().getBean(ReplicationSupervisor.class);
        RegionReplication euWest = supervisor.region(EU);
        ReplayResult result =
                SharedReplication.context().getBean(RegionReplayer.class).replay(euWest, Duration.ofMinutes(2));

        assertThat(result.region()).isEqualTo(EU);
        assertThat(result.digest()).isEqualTo(live.sha256());
        assertThat(result.records()).isEqualTo(live.records());
        assertThat(result.eventsReplayed())
                .isEqualTo(
                        end.asMap().values().stream().mapToLong(Long::longValue).sum());
        assertThat(digest(EU)).isEqualTo(live);
        assertThat(digest(US)).as("us-east was not disturbed").isEqualTo(live);
        assertThat(appliedPositions(EU)).isEqualTo(end);
        KeyState rebuilt = find(EU, tenant, "k7");
        assertThat(rebuilt.siblings()).hasSize(2);
        // Redis is written right after PostgreSQL's commit, which is what the replay waited for.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                stores().get(EU).cache().get(tenant, "k7").block(Duration.ofSeconds(5)))
                        .as("the rebuilt region's Redis is filled again")
                        .isEqualTo(rebuilt));

        try (KafkaProducer<String, KvEvent> producer = SharedReplication.eventProducer()) {
            assertThat(send(producer, put(US, tenant, "after-replay", "still replicating", VersionVector.empty())))
                    .succeedsWithin(Duration.ofSeconds(30));
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            KeyState state = find(EU, tenant, "after-replay");
            assertThat(state).as("a write after the replay reaches eu-west").isNotNull();
            assertThat(LastWriterWins.winner(state.siblings()))
                    .get()
                    .satisfies(s -> assertThat(new String(s.value(), StandardCharsets.UTF_8))
                            .isEqualTo("still replicating"));
        });
        assertThat(euWest.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void aSecondReplayOfARegionIsRefusedWhileOneRuns() throws Exception {
        ReplicationSupervisor supervisor = SharedReplication.context().getBean(ReplicationSupervisor.class);
        RegionReplayer replayer = SharedReplication.context().getBean(RegionReplayer.class);
        ReplayEndpoint endpoint = SharedReplication.context().getBean(ReplayEndpoint.class);
        CompletableFuture<ReplayResult> first =
                CompletableFuture.supplyAsync(() -> replayer.replay(supervisor.region(EU), Duration.ofMinutes(2)));
        await().atMost(DEADLINE).until(() -> replayer.isReplaying(EU) || first.isDone());

        WebEndpointResponse<Object> second = endpoint.replay(EU);

        assertThat(second.getStatus()).isEqualTo(409);
        assertThat(second.getBody().toString()).contains("already running");
        assertThat(first).succeedsWithin(Duration.ofMinutes(2));
        await().atMost(DEADLINE).until(() -> supervisor.region(EU).state() == KafkaStreams.State.RUNNING);
    }

    /** A replay that fails half-way (here: it runs out of time at once) starts the region again all the same. */
    @Test
    void aFailedReplayLeavesTheRegionRunningAndItCatchesUp() {
        ReplicationSupervisor supervisor = SharedReplication.context().getBean(ReplicationSupervisor.class);
        RegionReplayer replayer = SharedReplication.context().getBean(RegionReplayer.class);
        String tenant = uniqueTenant();
        try (KafkaProducer<String, KvEvent> producer = SharedReplication.eventProducer()) {
            assertThat(send(producer, put(US, tenant, "before-failed-replay", "kept", VersionVector.empty())))
                    .succeedsWithin(Duration.ofSeconds(30));
        }

        assertThatThrownBy(() -> replayer.replay(supervisor.region(EU), Duration.ofMillis(1)))
                .isInstanceOf(RuntimeException.class);

        assertThat(supervisor.region(EU).state()).isNotEqualTo(KafkaStreams.State.NOT_RUNNING);
        LogPositions end = eventTopicEnds();
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(supervisor.region(EU).state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(appliedPositions(EU)).isEqualTo(end);
            assertThat(find(EU, tenant, "before-failed-replay")).isNotNull();
            assertThat(digest(EU)).isEqualTo(digest(US));
        });
    }

    private static KvEvent put(String origin, String tenant, String key, String value, VersionVector context) {
        return event(origin, tenant, key, value.getBytes(StandardCharsets.UTF_8), context);
    }

    private static KvEvent event(String origin, String tenant, String key, byte[] value, VersionVector context) {
        return KvEvents.newEvent(
                UUID.randomUUID().toString(), tenant, key, value, "text/plain", origin, context, CLOCK.tick());
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, KvEvent> producer, KvEvent event) {
        return producer.send(new ProducerRecord<>(
                GeokvNames.eventTopic(event.getOriginRegion()),
                EventTopics.recordKey(event.getTenant(), event.getKey()),
                event));
    }

    private static RegionDigest digest(String region) {
        return stores().get(region).reader().digest().block(Duration.ofSeconds(30));
    }

    private static KeyState find(String region, String tenant, String key) {
        return stores().get(region).reader().find(tenant, key).block(Duration.ofSeconds(10));
    }
}
