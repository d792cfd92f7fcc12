package io.geokv.replication.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.Dot;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventCodec;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.replication.merge.OriginHeaders.Origin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The merge topology of the us-east application, driven record by record without a broker.
 *
 * <p>TopologyTestDriver delivers every input record on partition 0. With one partition every key
 * belongs there, so most tests use {@code partitions = 1}; the partition check itself is exercised
 * with three partitions and keys chosen by the producer's default partitioner.
 */
class MergeTopologyTest {

    private static final String US = "us-east";
    private static final String EU = "eu-west";
    private static final String ASIA = "asia-pac";
    private static final List<String> REGIONS = List.of(US, EU, ASIA);
    private static final long MAX_VALUE_BYTES = 1 << 20;
    private static final KeyLimits LIMITS = new KeyLimits(MAX_VALUE_BYTES, 6, 3, 16L << 20, REGIONS.size());
    private static final Instant WALL_CLOCK = Instant.ofEpochMilli(7_000_000L);
    private static final String TENANT = "acme";
    private static final KvEventCodec CODEC = new KvEventCodec();

    @TempDir
    Path stateDirs;

    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(TopologyTestDriver::close);
    }

    // ---------------------------------------------------------------- merging

    @Test
    void anEventBecomesTheKeysMergedStateTaggedWithWhereItCameFrom() {
        App app = start(US, 1);
        KvEvent event = put(EU, "cart", "3 apples", VersionVector.empty(), 1_000);

        app.pipe(EU, EventTopics.recordKey(TENANT, "cart"), CODEC.encode(event), 42_000L);

        TestRecord<String, byte[]> out = app.materialized.readRecord();
        assertThat(out.key()).isEqualTo("acme/cart");
        assertThat(out.timestamp())
                .as("when it was made, not the origin's time (kept in the headers)")
                .isEqualTo(WALL_CLOCK.toEpochMilli());
        KeyState state = KeyStateCodec.decode(out.value());
        assertThat(state.version()).isEqualTo(1);
        assertThat(state.applied()).isEqualTo(VersionVector.of(Map.of(EU, 1L)));
        assertThat(state.lastEventIds()).containsExactly(Map.entry(EU, event.getEventId()));
        assertThat(state.siblings()).singleElement().satisfies(s -> {
            assertThat(s.dot()).isEqualTo(new Dot(EU, 1));
            assertThat(s.eventId()).isEqualTo(event.getEventId());
            assertThat(new String(s.value(), StandardCharsets.UTF_8)).isEqualTo("3 apples");
            assertThat(s.contentType()).isEqualTo("text/plain");
            assertThat(s.timestamp()).isEqualTo(1_000);
        });
        assertThat(OriginHeaders.read(out.headers())).contains(new Origin(GeokvNames.eventTopic(EU), 0, 0, 42_000L));
        assertThat(app.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void writesFromTwoRegionsThatHadNotSeenEachOtherAreKeptAsSiblings() {
        App app = start(US, 1);
        String key = EventTopics.recordKey(TENANT, "profile");
        KvEvent fromUs = put(US, "profile", "written in us-east", VersionVector.empty(), 2_000);
        KvEvent fromEu = put(EU, "profile", "written in eu-west", VersionVector.empty(), 1_000);

        app.pipe(US, key, CODEC.encode(fromUs), 10L);
        app.pipe(EU, key, CODEC.encode(fromEu), 11L);

        List<TestRecord<String, byte[]>> out = app.materialized.readRecordsToList();
        assertThat(out).hasSize(2);
        KeyState state = KeyStateCodec.decode(out.get(1).value());
        assertThat(state.siblings()).extracting(Sibling::dot).containsExactly(new Dot(EU, 1), new Dot(US, 1));
        // Not ordered by arrival: the higher origin timestamp wins, although it arrived first.
        assertThat(LastWriterWins.winner(state.siblings()))
                .get()
                .extracting(Sibling::eventId)
                .isEqualTo(fromUs.getEventId());
        assertThat(OriginHeaders.read(out.get(1).headers())).contains(new Origin(GeokvNames.eventTopic(EU), 0, 0, 11L));
    }

    @Test
    void aWriteWhoseContextCoversTheStateSupersedesIt() {
        App app = start(US, 1);
        String key = EventTopics.recordKey(TENANT, "doc");
        app.pipe(US, key, CODEC.encode(put(US, "doc", "v1 us", VersionVector.empty(), 1_000)), 1L);
        app.pipe(EU, key, CODEC.encode(put(EU, "doc", "v1 eu", VersionVector.empty(), 1_001)), 2L);
        KeyState concurrent =
                KeyStateCodec.decode(app.materialized.readRecordsToList().get(1).value());
        assertThat(concurrent.siblings()).hasSize(2);

        // A client in asia-pac read both siblings and writes a resolution with the context it saw,
        // even with an older clock: causality, not the timestamp, decides.
        KvEvent resolution = put(ASIA, "doc", "merged", concurrent.context(), 500);
        app.pipe(ASIA, key, CODEC.encode(resolution), 3L);

        KeyState state = KeyStateCodec.decode(app.materialized.readValue());
        assertThat(state.siblings()).singleElement().satisfies(s -> {
            assertThat(s.eventId()).isEqualTo(resolution.getEventId());
            assertThat(new String(s.value(), StandardCharsets.UTF_8)).isEqualTo("merged");
        });
        assertThat(state.context()).isEqualTo(VersionVector.of(Map.of(US, 1L, EU, 1L, ASIA, 1L)));
    }

    @Test
    void aDeleteWhoseContextCoversTheStateLeavesOnlyATombstone() {
        App app = start(US, 1);
        String key = EventTopics.recordKey(TENANT, "gone");
        app.pipe(EU, key, CODEC.encode(put(EU, "gone", "here", VersionVector.empty(), 1_000)), 1L);
        KeyState before = KeyStateCodec.decode(app.materialized.readValue());

        app.pipe(US, key, CODEC.encode(event(US, "gone", null, before.context(), 2_000)), 2L);

        KeyState after = KeyStateCodec.decode(app.materialized.readValue());
        assertThat(after.siblings())
                .singleElement()
                .satisfies(s -> assertThat(s.isTombstone()).isTrue());
        assertThat(after.version()).isEqualTo(2);
    }

    @Test
    void theSameEventDeliveredTwiceIsCountedOnce() {
        App app = start(US, 1);
        String key = EventTopics.recordKey(TENANT, "counter");
        byte[] event = CODEC.encode(put(EU, "counter", "1", VersionVector.empty(), 1_000));

        app.pipe(EU, key, event, 1L);
        app.pipe(EU, key, event, 2L);

        List<TestRecord<String, byte[]>> out = app.materialized.readRecordsToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).value()).isEqualTo(out.get(0).value());
        assertThat(KeyStateCodec.decode(out.get(1).value()).version()).isEqualTo(1);
        // The duplicate still reports progress, so the region's applied offset passes it.
        assertThat(OriginHeaders.read(out.get(1).headers()))
                .get()
                .extracting(Origin::offset)
                .isEqualTo(1L);
    }

    @Test
    void everyRegionFoldsTheSameEventsIntoByteIdenticalStateWhateverTheInterleaving() {
        String key = EventTopics.recordKey(TENANT, "shared");
        KvEvent us1 = put(US, "shared", "us 1", VersionVector.empty(), 1_000);
        KvEvent eu1 = put(EU, "shared", "eu 1", VersionVector.empty(), 1_100);
        KvEvent us2 = put(US, "shared", "us 2", VersionVector.of(Map.of(US, 1L)), 1_200);
        KvEvent asia1 = put(ASIA, "shared", "asia 1", VersionVector.of(Map.of(EU, 1L)), 900);

        App usApp = start(US, 1);
        usApp.pipe(US, key, CODEC.encode(us1), 1L);
        usApp.pipe(US, key, CODEC.encode(us2), 2L);
        usApp.pipe(EU, key, CODEC.encode(eu1), 3L);
        usApp.pipe(ASIA, key, CODEC.encode(asia1), 4L);

        App asiaApp = start(ASIA, 1);
        asiaApp.pipe(EU, key, CODEC.encode(eu1), 1L);
        asiaApp.pipe(ASIA, key, CODEC.encode(asia1), 2L);
        asiaApp.pipe(US, key, CODEC.encode(us1), 3L);
        asiaApp.pipe(US, key, CODEC.encode(us2), 4L);

        byte[] usState = last(usApp.materialized.readValuesToList());
        byte[] asiaState = last(asiaApp.materialized.readValuesToList());
        assertThat(asiaState).isEqualTo(usState);
        assertThat(KeyStateCodec.decode(usState).siblings())
                .extracting(Sibling::eventId)
                .containsExactlyInAnyOrder(us2.getEventId(), asia1.getEventId());
    }

    // ---------------------------------------------------------------- bad input

    /** A bad record as it would arrive on the topic of {@code topicRegion}. */
    private record BadInput(Function<String, TestRecord<String, byte[]>> onTopicOf, String reason) {}

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad(
                        "undecodable bytes",
                        region -> keyed("junk", "definitely not avro".getBytes(StandardCharsets.UTF_8)),
                        "undecodable event"),
                bad(
                        "a record without a key",
                        region -> new TestRecord<>(
                                null, CODEC.encode(put(region, "nokey", "v", VersionVector.empty(), 1)), headers(), 5L),
                        "record key is missing"),
                bad("a record without a value", region -> keyed("novalue", null), "record value is missing"),
                bad(
                        "an event whose origin is not the topic's region",
                        region -> keyed(
                                "spoofed",
                                CODEC.encode(
                                        put(region.equals(US) ? EU : US, "spoofed", "v", VersionVector.empty(), 1))),
                        "does not match the topic's region"),
                bad(
                        "a value over the size limit",
                        region -> keyed(
                                "huge",
                                CODEC.encode(event(
                                        region,
                                        "huge",
                                        new byte[(int) MAX_VALUE_BYTES + 1],
                                        VersionVector.empty(),
                                        1))),
                        "larger than the limit of " + MAX_VALUE_BYTES + " bytes"),
                bad(
                        "a record key that is not the event's tenant/key",
                        region -> new TestRecord<>(
                                EventTopics.recordKey(TENANT, "other"),
                                CODEC.encode(put(region, "mislabelled", "v", VersionVector.empty(), 1)),
                                headers(),
                                5L),
                        "does not match tenant/key"),
                bad(
                        "a context that claims the event's own dot (a context of another key)",
                        region -> keyed(
                                "hijacked",
                                CODEC.encode(put(region, "hijacked", "v", VersionVector.of(Map.of(region, 5L)), 1))),
                        "context claims 5 events of origin"),
                bad(
                        "a NUL in the content type, which PostgreSQL would refuse",
                        region -> keyed(
                                "nul",
                                CODEC.encode(KvEvents.newEvent(
                                        UUID.randomUUID().toString(),
                                        TENANT,
                                        "nul",
                                        new byte[] {1},
                                        "text/plain\u0000",
                                        region,
                                        VersionVector.empty(),
                                        1))),
                        "contentType must not contain control characters"),
                bad(
                        "a context naming a region that is not configured",
                        region -> keyed(
                                "mars",
                                CODEC.encode(put(region, "mars", "v", VersionVector.of(Map.of("mars", 1L)), 1))),
                        "context names an unknown region 'mars'"));
    }

    private static Arguments bad(String name, Function<String, TestRecord<String, byte[]>> record, String reason) {
        return Arguments.of(Named.of(name, new BadInput(record, reason)));
    }

    @ParameterizedTest(name = "{0} on the app's own topic is dead-lettered with its reason")
    @MethodSource("badInputs")
    void badInputOnTheOwnRegionsTopicIsDeadLetteredWithItsReasonAndProcessingGoesOn(BadInput input) {
        App app = start(US, 1);
        TestRecord<String, byte[]> bad = input.onTopicOf().apply(US);

        app.pipe(US, bad);

        List<TestRecord<String, byte[]>> dead = app.deadLetters.readRecordsToList();
        assertThat(dead).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo(bad.key());
            assertThat(letter.value()).isEqualTo(bad.value());
            assertThat(letter.timestamp()).isEqualTo(bad.timestamp());
            assertThat(header(letter.headers(), OriginHeaders.ERROR_REASON)).contains(input.reason());
            assertThat(header(letter.headers(), OriginHeaders.DEAD_LETTERED_BY)).isEqualTo(US);
            assertThat(header(letter.headers(), "trace-id"))
                    .as("the producer's own headers are kept")
                    .isEqualTo("t-1");
            assertThat(OriginHeaders.read(letter.headers()))
                    .contains(new Origin(GeokvNames.eventTopic(US), 0, 0, bad.timestamp()));
        });
        assertProgressMarker(app, bad, US);

        assertStillApplies(app, US, 1);
    }

    @ParameterizedTest(name = "{0} on another region's topic is left to that region to dead-letter")
    @MethodSource("badInputs")
    void badInputOnAnotherRegionsTopicIsNotDeadLetteredHereButProcessingGoesOn(BadInput input) {
        App app = start(US, 1);
        TestRecord<String, byte[]> bad = input.onTopicOf().apply(EU);

        app.pipe(EU, bad);

        assertThat(app.deadLetters.isEmpty())
                .as("eu-west's own app dead-letters it, once")
                .isTrue();
        assertProgressMarker(app, bad, EU);

        assertStillApplies(app, EU, 1);
    }

    @Test
    void theOwningRegionsAppDeadLettersWhatTheOthersSkip() {
        App euApp = start(EU, 1);
        TestRecord<String, byte[]> junk = keyed("junk", new byte[] {1, 2, 3});

        euApp.pipe(EU, junk);

        assertThat(euApp.deadLetters.readRecordsToList())
                .singleElement()
                .satisfies(letter -> assertThat(header(letter.headers(), OriginHeaders.DEAD_LETTERED_BY))
                        .isEqualTo(EU));
    }

    @Test
    void aRecordInAPartitionItsKeyDoesNotBelongToIsDeadLetteredAndProcessingGoesOn() {
        App app = start(US, 3);
        String stray = keyInPartition(2, 3);
        String home = keyInPartition(0, 3);

        app.pipe(
                US,
                EventTopics.recordKey(TENANT, stray),
                CODEC.encode(put(US, stray, "stray", VersionVector.empty(), 1)),
                1L);

        assertThat(app.deadLetters.readRecordsToList())
                .singleElement()
                .satisfies(letter -> assertThat(header(letter.headers(), OriginHeaders.ERROR_REASON))
                        .contains("is in partition 0")
                        .contains("belongs in partition 2")
                        .contains("default partitioner"));
        assertThat(app.materialized.readValuesToList())
                .as("no state for a stray record, only progress")
                .singleElement()
                .isNull();

        KvEvent good = put(US, home, "home", VersionVector.empty(), 2);
        app.pipe(US, EventTopics.recordKey(TENANT, home), CODEC.encode(good), 2L);
        TestRecord<String, byte[]> applied = app.materialized.readRecord();
        assertThat(KeyStateCodec.decode(applied.value()).lastEventIds()).containsEntry(US, good.getEventId());
        assertThat(OriginHeaders.read(applied.headers()))
                .get()
                .extracting(Origin::offset)
                .isEqualTo(1L);
        assertThat(app.deadLetters.isEmpty()).isTrue();
    }

    /** After partitions were added to a live topic, acknowledged writes land "mis-partitioned": never dead-letter them. */
    @Test
    void aTopicWithMorePartitionsThanConfiguredStopsTheRegionInsteadOfDeadLettering() {
        App app = start(US, 3, 4);
        String moved = keyInPartition(2, 3);

        assertThatThrownBy(() -> app.pipe(
                        US,
                        EventTopics.recordKey(TENANT, moved),
                        CODEC.encode(put(US, moved, "acknowledged", VersionVector.empty(), 1)),
                        1L))
                .hasRootCauseInstanceOf(PartitionCountChangedException.class)
                .rootCause()
                .hasMessageContaining("has 4 partitions but geokv is configured for 3");
        assertThat(app.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aMisPartitionedRecordOfAnotherRegionIsNeitherDeadLetteredHereNorApplied() {
        App app = start(US, 3);
        String stray = keyInPartition(1, 3);

        app.pipe(
                EU,
                EventTopics.recordKey(TENANT, stray),
                CODEC.encode(put(EU, stray, "stray", VersionVector.empty(), 1)),
                1L);

        assertThat(app.deadLetters.isEmpty()).isTrue();
        assertThat(app.materialized.readValuesToList())
                .as("only progress")
                .singleElement()
                .isNull();
    }

    /*
     * Every input record must report progress, or the region's applied offset of that partition
     * stays below the end offset whenever such a record is the last one: lag never reaches zero
     * and a replay, which waits for the end offsets, times out. That includes records without a
     * key and records in a partition their key does not belong to.
     */

    @Test
    void aKeylessBadRecordStillReportsProgress() {
        App app = start(US, 1);

        app.pipe(US, new TestRecord<>(null, new byte[] {1, 2, 3}, new RecordHeaders(), 5L));

        assertThat(app.materialized.readRecordsToList()).singleElement().satisfies(marker -> {
            assertThat(marker.value()).isNull();
            assertThat(OriginHeaders.read(marker.headers())).contains(new Origin(GeokvNames.eventTopic(US), 0, 0, 5L));
        });
    }

    @Test
    void aMisPartitionedRecordStillReportsProgress() {
        App app = start(US, 3);
        String stray = keyInPartition(2, 3);

        app.pipe(
                EU,
                EventTopics.recordKey(TENANT, stray),
                CODEC.encode(put(EU, stray, "stray", VersionVector.empty(), 1)),
                5L);

        assertThat(app.materialized.readRecordsToList()).singleElement().satisfies(marker -> {
            assertThat(marker.value()).isNull();
            assertThat(OriginHeaders.read(marker.headers())).contains(new Origin(GeokvNames.eventTopic(EU), 0, 0, 5L));
        });
    }

    /** A keyed bad record still tells the sink how far its origin partition has been processed. */
    private static void assertProgressMarker(App app, TestRecord<String, byte[]> bad, String region) {
        List<TestRecord<String, byte[]>> materialized = app.materialized.readRecordsToList();
        assertThat(materialized).singleElement().satisfies(marker -> {
            assertThat(marker.value()).as("a progress marker carries no state").isNull();
            assertThat(OriginHeaders.read(marker.headers()))
                    .contains(new Origin(GeokvNames.eventTopic(region), 0, 0, bad.timestamp()));
        });
    }

    /** A valid event after bad input is still merged, with the next offset of that topic. */
    private static void assertStillApplies(App app, String region, long expectedOffset) {
        KvEvent good = put(region, "after-bad", "fine", VersionVector.empty(), 7);
        app.pipe(region, EventTopics.recordKey(TENANT, "after-bad"), CODEC.encode(good), 8L);

        TestRecord<String, byte[]> out = app.materialized.readRecord();
        KeyState state = KeyStateCodec.decode(out.value());
        assertThat(state.siblings())
                .singleElement()
                .satisfies(s -> assertThat(s.eventId()).isEqualTo(good.getEventId()));
        assertThat(OriginHeaders.read(out.headers()))
                .get()
                .extracting(Origin::offset)
                .isEqualTo(expectedOffset);
        assertThat(app.deadLetters.isEmpty()).isTrue();
    }

    // ---------------------------------------------------------------- plumbing

    /** One region's topology under a test driver, with an input per region topic. */
    private static final class App {
        final Map<String, TestInputTopic<String, byte[]>> events;
        final TestOutputTopic<String, byte[]> materialized;
        final TestOutputTopic<String, byte[]> deadLetters;

        App(TopologyTestDriver driver, String region) {
            this.events = Map.of(US, input(driver, US), EU, input(driver, EU), ASIA, input(driver, ASIA));
            this.materialized = driver.createOutputTopic(
                    GeokvNames.materializedTopic(region), new StringDeserializer(), new ByteArrayDeserializer());
            this.deadLetters = driver.createOutputTopic(
                    GeokvNames.DEAD_LETTER_TOPIC, new StringDeserializer(), new ByteArrayDeserializer());
        }

        private static TestInputTopic<String, byte[]> input(TopologyTestDriver driver, String region) {
            return driver.createInputTopic(
                    GeokvNames.eventTopic(region), new StringSerializer(), new ByteArraySerializer());
        }

        void pipe(String region, String key, byte[] value, long timestamp) {
            pipe(region, new TestRecord<>(key, value, new RecordHeaders(), timestamp));
        }

        void pipe(String region, TestRecord<String, byte[]> record) {
            events.get(region).pipeInput(record);
        }
    }

    private App start(String region, int partitions) {
        return start(region, partitions, partitions);
    }

    /** An app configured for {@code partitions} whose event topics have {@code actualPartitions}. */
    private App start(String region, int partitions, int actualPartitions) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, GeokvNames.streamsApplicationId(region));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                stateDirs.resolve(region + "-" + drivers.size()).toString());
        TopologyTestDriver driver = new TopologyTestDriver(
                MergeTopology.build(
                        region,
                        REGIONS,
                        partitions,
                        LIMITS,
                        new SimpleMeterRegistry().counter("warnings"),
                        topic -> actualPartitions),
                config,
                WALL_CLOCK);
        drivers.add(driver);
        return new App(driver, region);
    }

    private static KvEvent put(String origin, String key, String value, VersionVector context, long hlc) {
        return event(origin, key, value.getBytes(StandardCharsets.UTF_8), context, hlc);
    }

    private static KvEvent event(String origin, String key, byte[] value, VersionVector context, long hlc) {
        return KvEvents.newEvent(UUID.randomUUID().toString(), TENANT, key, value, "text/plain", origin, context, hlc);
    }

    private static TestRecord<String, byte[]> keyed(String key, byte[] value) {
        return new TestRecord<>(EventTopics.recordKey(TENANT, key), value, headers(), 5L);
    }

    private static Headers headers() {
        return new RecordHeaders().add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A key of {@link #TENANT} whose record key the producer's default partitioner puts in {@code partition}. */
    private static String keyInPartition(int partition, int partitions) {
        return IntStream.range(0, 1_000)
                .mapToObj(i -> "key-" + i)
                .filter(k -> EventTopics.partitionOf(EventTopics.recordKey(TENANT, k), partitions) == partition)
                .findFirst()
                .orElseThrow();
    }

    private static byte[] last(List<byte[]> values) {
        return values.get(values.size() - 1);
    }
}
