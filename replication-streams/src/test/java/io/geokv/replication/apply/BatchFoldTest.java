package io.geokv.replication.apply;

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
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.apply.OriginHeaders.Origin;
import io.geokv.residency.Residency;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a region's tasks do with event records: {@link RecordCheck} then {@link BatchFold}, over a map
 * standing in for the region's PostgreSQL. Most tests fold one record per batch, as a region does
 * when records arrive one at a time; {@link #aBatchFoldsToWhatItsRecordsFoldToOneByOne} checks that
 * batching changes nothing.
 *
 * <p>Records arrive on partition 0. With one partition every key belongs there, so most tests use
 * {@code partitions = 1}; the partition check itself is exercised with three partitions and keys
 * chosen by the producer's default partitioner.
 */
class BatchFoldTest {

    private static final String US = "us-east";
    private static final String EU = "eu-west";
    private static final String ASIA = "asia-pac";
    private static final List<String> REGIONS = List.of(US, EU, ASIA);
    private static final long MAX_VALUE_BYTES = 1 << 20;
    private static final KeyLimits LIMITS = new KeyLimits(MAX_VALUE_BYTES, 6, 3, 16L << 20, REGIONS.size());
    private static final String TENANT = "acme";
    private static final KvEventCodec CODEC = new KvEventCodec();

    // ---------------------------------------------------------------- merging

    @Test
    void anEventBecomesTheKeysMergedStateTaggedWithWhereItCameFrom() {
        App app = start(US, 1);
        KvEvent event = put(EU, "cart", "3 apples", VersionVector.empty(), 1_000);

        app.pipe(EU, EventTopics.recordKey(TENANT, "cart"), CODEC.encode(event), 42_000L);

        Out out = app.materialized.readRecord();
        assertThat(out.key()).isEqualTo("acme/cart");
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

        List<Out> out = app.materialized.readRecordsToList();
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

        List<Out> out = app.materialized.readRecordsToList();
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
    private record BadInput(Function<String, In> onTopicOf, String reason) {}

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad(
                        "undecodable bytes",
                        region -> keyed("junk", "definitely not avro".getBytes(StandardCharsets.UTF_8)),
                        "undecodable event"),
                bad(
                        "a record without a key",
                        region -> new In(
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
                        region -> new In(
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

    private static Arguments bad(String name, Function<String, In> record, String reason) {
        return Arguments.of(Named.of(name, new BadInput(record, reason)));
    }

    @ParameterizedTest(name = "{0} on the app's own topic is dead-lettered with its reason")
    @MethodSource("badInputs")
    void badInputOnTheOwnRegionsTopicIsDeadLetteredWithItsReasonAndProcessingGoesOn(BadInput input) {
        App app = start(US, 1);
        In bad = input.onTopicOf().apply(US);

        app.pipe(US, bad);

        List<Out> dead = app.deadLetters.readRecordsToList();
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
        In bad = input.onTopicOf().apply(EU);

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
        In junk = keyed("junk", new byte[] {1, 2, 3});

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
        Out applied = app.materialized.readRecord();
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
                .isInstanceOf(PartitionCountChangedException.class)
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

        app.pipe(US, new In(null, new byte[] {1, 2, 3}, new RecordHeaders(), 5L));

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
    private static void assertProgressMarker(App app, In bad, String region) {
        List<Out> materialized = app.materialized.readRecordsToList();
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

        Out out = app.materialized.readRecord();
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

    // ---------------------------------------------------------------- batches

    @Test
    void aBatchFoldsToWhatItsRecordsFoldToOneByOne() {
        String doc = EventTopics.recordKey(TENANT, "doc");
        String other = EventTopics.recordKey(TENANT, "other");
        KvEvent us1 = put(US, "doc", "us 1", VersionVector.empty(), 1_000);
        KvEvent eu1 = put(EU, "doc", "eu 1", VersionVector.empty(), 1_100);
        KvEvent us2 = put(US, "doc", "us 2", VersionVector.of(Map.of(US, 1L, EU, 1L)), 1_200);
        KvEvent elsewhere = put(EU, "other", "x", VersionVector.empty(), 1_300);
        List<In> records = List.of(
                new In(doc, CODEC.encode(us1), headers(), 1L),
                new In(doc, CODEC.encode(eu1), headers(), 2L),
                new In(doc, CODEC.encode(us1), headers(), 3L),
                new In("acme/junk", new byte[] {9}, headers(), 4L),
                new In(doc, CODEC.encode(us2), headers(), 5L),
                new In(other, CODEC.encode(elsewhere), headers(), 6L));
        List<String> origins = List.of(US, EU, US, US, US, EU);

        App oneByOne = start(US, 1);
        for (int i = 0; i < records.size(); i++) {
            oneByOne.pipe(origins.get(i), records.get(i));
        }
        App batched = start(US, 1);
        BatchFold.Result batch = batched.pipeBatch(origins, records);

        assertThat(batched.database).isEqualTo(oneByOne.database);
        assertThat(batch.changed().keySet())
                .as("each key's state once per batch, however many of its records it folded")
                .containsExactly(doc, other);
        assertThat(batch.covered())
                .isEqualTo(AppliedPositions.unmirrored(LogPositions.of(Map.of(
                        new EventPartition(GeokvNames.eventTopic(US), 0), 4L,
                        new EventPartition(GeokvNames.eventTopic(EU), 0), 2L))));
        assertThat(batch.deadLetters())
                .singleElement()
                .satisfies(letter -> assertThat(letter.reason()).contains("undecodable"));
        assertThat(KeyStateCodec.encode(batched.database.get(doc)))
                .isEqualTo(KeyStateCodec.encode(oneByOne.database.get(doc)));
    }

    @Test
    void aBatchThatChangesNothingCoversItsOffsetsAndWritesNoState() {
        App app = start(US, 1);
        String key = EventTopics.recordKey(TENANT, "same");
        byte[] event = CODEC.encode(put(EU, "same", "1", VersionVector.empty(), 1_000));
        app.pipe(EU, key, event, 1L);

        BatchFold.Result again = app.pipeBatch(List.of(EU), List.of(new In(key, event, headers(), 2L)));

        assertThat(again.changed()).isEmpty();
        assertThat(again.covered().read().next(new EventPartition(GeokvNames.eventTopic(EU), 0)))
                .isEqualTo(2L);
    }

    @Test
    void aMirroredTopicIsCoveredInItsOriginsOffsetsAndARecordWithoutOneIsDeadLetteredWhereItWasRead() {
        App app = start(US, 1);
        app.mirrored.add(EU);
        String key = EventTopics.recordKey(TENANT, "mirrored");
        byte[] first = CODEC.encode(put(EU, "mirrored", "1", VersionVector.empty(), 1_000));
        byte[] unstamped = CODEC.encode(put(EU, "mirrored", "2", VersionVector.empty(), 2_000));
        byte[] second = CODEC.encode(put(EU, "mirrored", "3", VersionVector.empty(), 3_000));

        BatchFold.Result batch = app.pipeBatch(
                List.of(EU, EU, EU),
                List.of(
                        new In(key, first, originOffset(40), 1L),
                        new In(key, unstamped, headers(), 2L),
                        new In(key, second, originOffset(41), 3L)));

        EventPartition eu = new EventPartition(GeokvNames.eventTopic(EU), 0);
        assertThat(batch.covered())
                .as("read offsets 0 to 2 in the region's cluster; origin offsets 40 and 41")
                .isEqualTo(new AppliedPositions(LogPositions.of(Map.of(eu, 3L)), LogPositions.of(Map.of(eu, 42L))));
        assertThat(batch.deadLetters())
                .as("no other region can see it, though it is in eu-west's topic")
                .singleElement()
                .satisfies(letter -> {
                    assertThat(letter.source().value()).isEqualTo(unstamped);
                    assertThat(letter.reason()).contains("without its origin offset");
                });
        assertThat(app.database.get(key).siblings())
                .extracting(s -> new String(s.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("1", "3");
    }

    @Test
    void aRecordTheMirrorSentAgainIsCoveredAndNotFolded() {
        App app = start(US, 1);
        app.mirrored.add(EU);
        String key = EventTopics.recordKey(TENANT, "again");
        byte[] event = CODEC.encode(put(EU, "again", "1", VersionVector.empty(), 1_000));
        EventRecord copy =
                EventRecord.read(key, event, originOffset(7), new Origin(GeokvNames.eventTopic(EU), 0, 12, 1L), true);

        BatchFold.Result batch =
                BatchFold.fold(US, List.of(CheckedRecord.repeated(copy, EU)), k -> KeyState.empty(), LIMITS);

        assertThat(batch.changed()).isEmpty();
        assertThat(batch.deadLetters()).isEmpty();
        assertThat(batch.covered().read().next(copy.partition())).isEqualTo(13L);
    }

    // ---------------------------------------------------------------- data residency

    /** Tenant {@code bank} keeps its data in eu-west and asia-pac. */
    private static final Residency BANK_IN_EU_AND_ASIA = Residency.of(REGIONS, Map.of("bank", List.of(EU, ASIA)));

    private App startWithResidency(String region) {
        return new App(region, new RecordCheck(region, BANK_IN_EU_AND_ASIA, REGIONS, 1, LIMITS, topic -> 1));
    }

    private static byte[] bankPut(String origin, String key, String value) {
        return CODEC.encode(KvEvents.newEvent(
                UUID.randomUUID().toString(),
                "bank",
                key,
                value.getBytes(StandardCharsets.UTF_8),
                "text/plain",
                origin,
                VersionVector.empty(),
                1_000));
    }

    @Test
    void aRegionOutsideAResidentTenantsRegionsFoldsNothingOfItButCountsItsEventsAsRead() {
        String key = EventTopics.recordKey("bank", "account");
        for (String region : REGIONS) {
            App app = startWithResidency(region);
            BatchFold.Result batch = app.pipeBatch(
                    List.of(EU, EU),
                    List.of(
                            new In(key, bankPut(EU, "account", "1"), headers(), 1L),
                            keyed("open", CODEC.encode(put(EU, "open", "1", VersionVector.empty(), 1_000)))));

            assertThat(app.database.containsKey(key))
                    .as(region + " holds bank's key")
                    .isEqualTo(!region.equals(US));
            assertThat(app.database)
                    .as(region + " holds acme's key")
                    .containsKey(EventTopics.recordKey(TENANT, "open"));
            assertThat(batch.deadLetters()).isEmpty();
            assertThat(batch.covered().origin().next(new EventPartition(GeokvNames.eventTopic(EU), 0)))
                    .as("what " + region + " has read of eu-west's log")
                    .isEqualTo(2L);
        }
    }

    @Test
    void aResidentTenantsEventWrittenOutsideItsRegionsIsFoldedNowhereAndDeadLetteredByItsTopicsRegion() {
        String key = EventTopics.recordKey("bank", "account");
        for (String region : REGIONS) {
            App app = startWithResidency(region);
            BatchFold.Result batch =
                    app.pipeBatch(List.of(US), List.of(new In(key, bankPut(US, "account", "1"), headers(), 1L)));

            assertThat(app.database).as(region).isEmpty();
            assertThat(batch.deadLetters())
                    .as(region + "'s dead letters")
                    .hasSize(region.equals(US) ? 1 : 0)
                    .allSatisfy(letter -> assertThat(letter.reason()).contains("data residency"));
        }
    }

    @Test
    void theMirrorsPlaceholderForAWithheldEventIsReadAndFoldsNothing() {
        App app = startWithResidency(US);
        app.mirrored.add(EU);
        Headers placeholder = originOffset(41).add(GeokvNames.WITHHELD_HEADER, new byte[0]);

        BatchFold.Result batch = app.pipeBatch(List.of(EU), List.of(new In(null, null, placeholder, 1L)));

        assertThat(app.database).isEmpty();
        assertThat(batch.deadLetters()).isEmpty();
        assertThat(batch.covered().origin().next(new EventPartition(GeokvNames.eventTopic(EU), 0)))
                .isEqualTo(42L);
    }

    @Test
    void aRecordInItsOriginsOwnTopicCannotHideBehindTheWithheldHeader() {
        App app = startWithResidency(US);
        String key = EventTopics.recordKey(TENANT, "hidden");
        Headers marked = headers().add(GeokvNames.WITHHELD_HEADER, new byte[0]);

        app.pipeBatch(
                List.of(US),
                List.of(new In(key, CODEC.encode(put(US, "hidden", "1", VersionVector.empty(), 1_000)), marked, 1L)));

        assertThat(app.database).containsKey(key);
    }

    // ---------------------------------------------------------------- plumbing

    /** A record as a producer sent it. */
    private record In(String key, byte[] value, Headers headers, long timestamp) {}

    /** What a record left: its key's state afterwards (null when refused), with the record's origin in the headers. */
    private record Out(String key, byte[] value, Headers headers, long timestamp) {}

    /** Outputs in the order they were made, read like a topic. */
    private static final class Outputs {
        private final List<Out> records = new ArrayList<>();
        private int read;

        void add(Out out) {
            records.add(out);
        }

        Out readRecord() {
            return records.get(read++);
        }

        byte[] readValue() {
            return readRecord().value();
        }

        List<Out> readRecordsToList() {
            List<Out> unread = List.copyOf(records.subList(read, records.size()));
            read = records.size();
            return unread;
        }

        List<byte[]> readValuesToList() {
            return readRecordsToList().stream().map(Out::value).toList();
        }

        boolean isEmpty() {
            return read == records.size();
        }
    }

    /** One region's record check and fold, over a map standing in for its PostgreSQL. */
    private static final class App {
        final String region;
        final RecordCheck check;
        final Map<String, KeyState> database = new HashMap<>();
        final Map<String, Long> nextOffsets = new HashMap<>();
        /** The regions whose topics this region reads as mirrored copies. */
        final Set<String> mirrored = new HashSet<>();

        final Outputs materialized = new Outputs();
        final Outputs deadLetters = new Outputs();

        App(String region, RecordCheck check) {
            this.region = region;
            this.check = check;
        }

        void pipe(String topicRegion, String key, byte[] value, long timestamp) {
            pipe(topicRegion, new In(key, value, headers(), timestamp));
        }

        void pipe(String topicRegion, In record) {
            pipeBatch(List.of(topicRegion), List.of(record));
        }

        /** The records of one batch, the i-th on the topic of the i-th region. */
        BatchFold.Result pipeBatch(List<String> topicRegions, List<In> records) {
            List<CheckedRecord> checked = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                In in = records.get(i);
                String topic = GeokvNames.eventTopic(topicRegions.get(i));
                long offset = nextOffsets.merge(topic, 1L, Long::sum) - 1;
                checked.add(check.check(EventRecord.read(
                        in.key(),
                        in.value(),
                        in.headers(),
                        new Origin(topic, 0, offset, in.timestamp()),
                        mirrored.contains(topicRegions.get(i)))));
            }
            BatchFold.Result batch =
                    BatchFold.fold(region, checked, key -> database.getOrDefault(key, KeyState.empty()), LIMITS);
            Map<String, KeyState> folding = new LinkedHashMap<>(database);
            for (CheckedRecord c : checked) {
                // Per record, like the old materialized topic: the key's state once it is folded.
                RecordHeaders headers = new RecordHeaders();
                OriginHeaders.write(headers, c.source().origin());
                byte[] state = null;
                KeyState before = folding.getOrDefault(c.source().key(), KeyState.empty());
                if (c.write() != null && before.causalityViolation(c.write()).isEmpty()) {
                    KeyState after = before.receive(c.write(), LIMITS.siblingsPerOrigin());
                    folding.put(c.source().key(), after);
                    state = KeyStateCodec.encode(after);
                }
                materialized.add(new Out(
                        c.source().key(), state, headers, c.source().origin().timestamp()));
            }
            database.putAll(batch.changed());
            for (BatchFold.DeadLetter letter : batch.deadLetters()) {
                RecordHeaders headers =
                        new RecordHeaders(letter.source().headers().toArray());
                OriginHeaders.write(headers, letter.source().origin());
                headers.add(OriginHeaders.ERROR_REASON, letter.reason().getBytes(StandardCharsets.UTF_8));
                headers.add(OriginHeaders.DEAD_LETTERED_BY, region.getBytes(StandardCharsets.UTF_8));
                deadLetters.add(new Out(
                        letter.source().key(),
                        letter.source().value(),
                        headers,
                        letter.source().origin().timestamp()));
            }
            return batch;
        }
    }

    private App start(String region, int partitions) {
        return start(region, partitions, partitions);
    }

    /** An app configured for {@code partitions} whose event topics have {@code actualPartitions}. */
    private App start(String region, int partitions, int actualPartitions) {
        return new App(
                region,
                new RecordCheck(region, Residency.none(), REGIONS, partitions, LIMITS, topic -> actualPartitions));
    }

    private static KvEvent put(String origin, String key, String value, VersionVector context, long hlc) {
        return event(origin, key, value.getBytes(StandardCharsets.UTF_8), context, hlc);
    }

    private static KvEvent event(String origin, String key, byte[] value, VersionVector context, long hlc) {
        return KvEvents.newEvent(UUID.randomUUID().toString(), TENANT, key, value, "text/plain", origin, context, hlc);
    }

    private static In keyed(String key, byte[] value) {
        return new In(EventTopics.recordKey(TENANT, key), value, headers(), 5L);
    }

    private static Headers headers() {
        return new RecordHeaders().add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    }

    /** What the mirror stamps on a copy: its offset in its origin cluster. */
    private static Headers originOffset(long offset) {
        return headers()
                .add(
                        GeokvNames.ORIGIN_OFFSET_HEADER,
                        ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
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
