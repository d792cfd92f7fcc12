package io.geokv.store.postgres;

import static io.geokv.store.TestStates.covering;
import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.conflict.KeyState;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.TestStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class StateReaderIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static RegionDatabase first;
    private static RegionDatabase second;
    private static StateReader firstReader;
    private static StateReader secondReader;

    @BeforeAll
    static void open() {
        first = RegionDatabase.open(TestStates.region("reader-a", 10));
        second = RegionDatabase.open(TestStates.region("reader-b", 11));
        firstReader = new StateReader(TestStates.region("reader-a", 10));
        secondReader = new StateReader(TestStates.region("reader-b", 11));
    }

    @AfterAll
    static void close() {
        firstReader.close().block(TIMEOUT);
        secondReader.close().block(TIMEOUT);
        first.close();
        second.close();
    }

    @BeforeEach
    void empty() {
        first.truncate();
        second.truncate();
    }

    @Test
    void findsWhatWasWritten() {
        KeyState state = TestStates.concurrent("x", "y");
        new StateWriter(first).write(List.of(m("t", "k", state)), LogPositions.empty());

        KeyState found = firstReader.find("t", "k").block(TIMEOUT);

        assertThat(found).isNotNull();
        assertThat(found.version()).isEqualTo(state.version());
        assertThat(found.digest()).isEqualTo(state.digest());
        assertThat(found.siblings()).hasSize(2);
        StepVerifier.create(firstReader.find("t", "absent")).verifyComplete();
        StepVerifier.create(firstReader.find("other-tenant", "k")).verifyComplete();
    }

    @Test
    void findsAStateWithWhatItsRegionHadAppliedOfTheKeysPartitions() {
        KeyState state = written(2, "v");
        new StateWriter(first)
                .write(
                        List.of(m("t", "k", state)),
                        covering("kv-events.us-east", 1, 7, "kv-events.eu-west", 1, 3, "kv-events.us-east", 0, 9));
        List<EventPartition> keyPartitions = List.of(
                new EventPartition("kv-events.us-east", 1),
                new EventPartition("kv-events.eu-west", 1),
                new EventPartition("kv-events.asia-pac", 1));

        List<StateReader.StateAsOf> found = firstReader
                .findAllAsOf(List.of("t", "t"), List.of("k", "absent"))
                .collectList()
                .block(TIMEOUT);

        assertThat(found).as("a key without a row is left out").hasSize(1);
        assertThat(found.get(0).key()).isEqualTo("k");
        assertThat(found.get(0).state()).isEqualTo(state);
        assertThat(found.get(0).of(keyPartitions).applied())
                .as("only the key's partitions, and none the region has not applied anything of")
                .isEqualTo(covering("kv-events.us-east", 1, 7, "kv-events.eu-west", 1, 3));
    }

    @Test
    void countLiveExcludesDeletedKeys() {
        new StateWriter(first)
                .write(
                        List.of(
                                m("t", "a", written(1, "a")),
                                m("t", "b", TestStates.deleted(written(1, "b"))),
                                m("u", "a", written(2, "c"))),
                        LogPositions.empty());

        assertThat(firstReader.countLive().block(TIMEOUT)).isEqualTo(2);
        RegionDigest digest = firstReader.digest().block(TIMEOUT);
        assertThat(digest.records()).isEqualTo(3);
        assertThat(digest.liveRecords()).isEqualTo(2);
    }

    @Test
    void digestIsEqualForEqualStatesWhateverTheWriteOrder() {
        List<MaterializedState> states = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) { // more than one fetch of rows
            states.add(m("tenant-" + (i % 7), "key-" + i, written(1 + i % 3, "value-" + i)));
        }
        states.add(m("t", "gone", TestStates.deleted(written(1, "gone"))));
        List<MaterializedState> shuffled = new ArrayList<>(states);
        Collections.shuffle(shuffled, new Random(42));

        new StateWriter(first).write(states, LogPositions.empty());
        for (int from = 0; from < shuffled.size(); from += 300) {
            new StateWriter(second)
                    .write(shuffled.subList(from, Math.min(shuffled.size(), from + 300)), LogPositions.empty());
        }

        RegionDigest a = firstReader.digest().block(TIMEOUT);
        RegionDigest b = secondReader.digest().block(TIMEOUT);
        assertThat(a).isEqualTo(b);
        assertThat(a.records()).isEqualTo(2_501);
        assertThat(a.liveRecords()).isEqualTo(2_500);
        assertThat(a.sha256()).hasSize(64);

        // Replaying everything changes nothing.
        new StateWriter(first).write(states, LogPositions.empty());
        assertThat(firstReader.digest().block(TIMEOUT)).isEqualTo(a);

        // One state moving on makes the regions differ.
        new StateWriter(second).write(List.of(m("tenant-3", "key-3", written(9, "moved"))), LogPositions.empty());
        RegionDigest moved = secondReader.digest().block(TIMEOUT);
        assertThat(moved.sha256()).isNotEqualTo(a.sha256());
        assertThat(moved.records()).isEqualTo(a.records());
    }

    @Test
    void digestSeparatesTenantFromKey() {
        KeyState state = written(1, "v");
        new StateWriter(first).write(List.of(m("ab", "c", state)), LogPositions.empty());
        new StateWriter(second).write(List.of(m("a", "bc", state)), LogPositions.empty());

        assertThat(firstReader.digest().block(TIMEOUT).sha256())
                .isNotEqualTo(secondReader.digest().block(TIMEOUT).sha256());
    }

    @Test
    void emptyRegionsHaveEqualDigests() {
        RegionDigest digest = firstReader.digest().block(TIMEOUT);

        assertThat(digest).isEqualTo(secondReader.digest().block(TIMEOUT));
        assertThat(digest.records()).isZero();
        // SHA-256 of no bytes at all.
        assertThat(digest.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void readsTheAppliedPositions() {
        new StateWriter(first)
                .write(
                        List.of(),
                        covering("kv-events.us-east", 1, 5, "kv-events.eu-west", 0, 3, "kv-events.us-east", 0, 8));

        assertThat(firstReader.appliedPositions().block(TIMEOUT))
                .isEqualTo(covering("kv-events.eu-west", 0, 3, "kv-events.us-east", 0, 8, "kv-events.us-east", 1, 5));
        assertThat(secondReader.appliedPositions().block(TIMEOUT)).isEqualTo(LogPositions.empty());
    }

    @Test
    void signalsOnceListeningThenWhereEveryCommitMovedTheAppliedPositionsAndToReadAgainOnATruncate() {
        StepVerifier.create(firstReader.appliedChanges())
                .expectNext(Optional.empty())
                .then(() -> new StateWriter(first).write(List.of(m("t", "k", written(1, "v"))), LogPositions.empty()))
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> new StateWriter(first).write(List.of(), covering("kv-events.us-east", 0, 1)))
                .expectNext(Optional.of(covering("kv-events.us-east", 0, 1)))
                .then(() -> new StateWriter(first)
                        .commit(
                                List.of(m("t", "k", written(2, "v"))),
                                AppliedPositions.unmirrored(
                                        covering("kv-events.us-east", 0, 4, "kv-events.eu-west", 2, 7)),
                                covering("kv-events.us-east", 0, 1)))
                .expectNext(Optional.of(covering("kv-events.us-east", 0, 4, "kv-events.eu-west", 2, 7)))
                .then(() -> new StateWriter(second).write(List.of(), covering("kv-events.us-east", 0, 1)))
                .expectNoEvent(Duration.ofMillis(200))
                .then(first::truncate)
                .expectNext(Optional.empty())
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void pingAnswers() {
        StepVerifier.create(firstReader.ping()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aCorruptStoredStateIsAnErrorNamingTheKey() throws SQLException {
        new StateWriter(first).write(List.of(m("t", "broken", written(1, "v"))), LogPositions.empty());
        try (Connection c = first.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE kv_state SET state = ? WHERE key = 'broken'")) {
            ps.setBytes(1, new byte[] {1, 2, 3});
            ps.executeUpdate();
        }

        StepVerifier.create(firstReader.find("t", "broken"))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("region reader-a")
                        .hasMessageContaining("t/broken"))
                .verify(TIMEOUT);
    }
}
