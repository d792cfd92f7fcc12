package io.geokv.store.postgres;

import static io.geokv.store.TestStates.covering;
import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.conflict.KeyState;
import io.geokv.position.LogPositions;
import io.geokv.store.TestStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StateWriterIT {

    private static RegionDatabase database;
    private static StateWriter writer;

    @BeforeAll
    static void open() {
        database = RegionDatabase.open(TestStates.region("writer", 10));
        writer = new StateWriter(database);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void empty() {
        database.truncate();
    }

    @Test
    void storesStatesWithTheirDerivedColumns() throws SQLException {
        KeyState live = written(2, "hello");
        KeyState gone = TestStates.deleted(written(1, "bye"));
        KeyState both = TestStates.concurrent("left", "right");

        writer.write(
                List.of(m("t1", "live", live), m("t1", "gone", gone), m("t2", "both", both)), LogPositions.empty());

        Row liveRow = row("t1", "live");
        assertThat(liveRow.version).isEqualTo(live.version());
        assertThat(liveRow.state).isEqualTo(io.geokv.conflict.KeyStateCodec.encode(live));
        assertThat(liveRow.stateDigest).isEqualTo(live.digest());
        assertThat(TestStates.text(liveRow.value)).isEqualTo("hello");
        assertThat(liveRow.contentType).isEqualTo("text/plain");
        assertThat(liveRow.deleted).isFalse();
        assertThat(liveRow.siblingCount).isEqualTo(1);

        Row goneRow = row("t1", "gone");
        assertThat(goneRow.deleted).isTrue();
        assertThat(goneRow.value).isNull();
        assertThat(goneRow.contentType).isNull();

        Row bothRow = row("t2", "both");
        assertThat(bothRow.siblingCount).isEqualTo(2);
        assertThat(bothRow.deleted).isFalse();
        // The derived value is the last-writer-wins view: the later timestamp.
        assertThat(TestStates.text(bothRow.value)).isEqualTo("right");
    }

    @Test
    void anOlderStateNeverOverwritesANewerOne() throws SQLException {
        KeyState newer = written(3, "v3");
        KeyState older = written(2, "v2");
        writer.write(List.of(m("t", "k", newer)), LogPositions.empty());

        writer.write(List.of(m("t", "k", older)), LogPositions.empty());

        assertThat(row("t", "k").version).isEqualTo(newer.version());
        assertThat(TestStates.text(row("t", "k").value)).isEqualTo("v3");

        KeyState newest = written(4, "v4");
        writer.write(List.of(m("t", "k", newest)), LogPositions.empty());
        assertThat(TestStates.text(row("t", "k").value)).isEqualTo("v4");
    }

    @Test
    void writingTheSameBatchTwiceChangesNothing() throws SQLException {
        List<MaterializedState> batch = List.of(m("t", "a", written(1, "a")), m("t", "b", written(2, "b")));
        LogPositions offsets = covering("kv-events.us-east", 0, 2);
        writer.write(batch, offsets);
        Timestamp firstUpdate = row("t", "b").updatedAt;
        Map<String, Long> firstOffsets = offsets();

        writer.write(batch, offsets);

        assertThat(row("t", "b").updatedAt).isEqualTo(firstUpdate);
        assertThat(row("t", "b").version).isEqualTo(batch.get(1).state().version());
        assertThat(offsets()).isEqualTo(firstOffsets);
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void keepsTheHighestVersionWhenAKeyRepeatsInOneBatch() throws SQLException {
        writer.write(
                List.of(
                        m("t", "k", written(2, "two")),
                        m("t", "k", written(5, "five")),
                        m("t", "other", written(1, "x")),
                        m("t", "k", written(3, "three"))),
                LogPositions.empty());

        assertThat(TestStates.text(row("t", "k").value)).isEqualTo("five");
        assertThat(row("t", "k").version).isEqualTo(written(5, "five").version());
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void appliedOffsetsOnlyMoveForward() throws SQLException {
        writer.write(
                List.of(),
                covering(
                        "kv-events.us-east",
                        0,
                        10,
                        "kv-events.us-east",
                        1,
                        4,
                        "kv-events.eu-west",
                        0,
                        7,
                        "kv-events.eu-west",
                        0,
                        3));
        assertThat(offsets())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("kv-events.us-east/0", 10L, "kv-events.us-east/1", 4L, "kv-events.eu-west/0", 7L));

        writer.write(List.of(), covering("kv-events.us-east", 0, 5, "kv-events.us-east", 1, 9));

        assertThat(offsets())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("kv-events.us-east/0", 10L, "kv-events.us-east/1", 9L, "kv-events.eu-west/0", 7L));
    }

    @Test
    void statesAndOffsetsCommitTogether() throws SQLException {
        writer.write(List.of(m("t", "k", written(1, "v"))), covering("kv-events.us-east", 2, 1));

        assertThat(count()).isEqualTo(1);
        assertThat(offsets()).containsExactlyEntriesOf(Map.of("kv-events.us-east/2", 1L));
    }

    @Test
    void writesThousandsOfStatesPerSecond() throws SQLException {
        int total = 10_000;
        int batchSize = 500;
        long start = System.nanoTime();
        for (int from = 0; from < total; from += batchSize) {
            List<MaterializedState> batch = new ArrayList<>(batchSize);
            for (int i = from; i < from + batchSize; i++) {
                batch.add(m("bench", "key-" + i, written(1, "value-" + i)));
            }
            writer.write(batch, covering("kv-events.us-east", 0, from + batchSize));
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(count()).isEqualTo(total);
        System.out.printf("StateWriterIT: %d states in %.2f s (%.0f/s)%n", total, seconds, total / seconds);
        // Generous bound (shared 2-core machine); it measures batches of 500 incl. building the states.
        assertThat(total / seconds).isGreaterThan(2_000);
    }

    private record Row(
            long version,
            byte[] state,
            byte[] stateDigest,
            byte[] value,
            String contentType,
            boolean deleted,
            int siblingCount,
            Timestamp updatedAt) {}

    private static Row row(String tenant, String key) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                     SELECT version, state, state_digest, value, content_type, deleted, sibling_count, updated_at
                     FROM kv_state WHERE tenant = ? AND key = ?""")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s/%s", tenant, key).isTrue();
                return new Row(
                        rs.getLong(1),
                        rs.getBytes(2),
                        rs.getBytes(3),
                        rs.getBytes(4),
                        rs.getString(5),
                        rs.getBoolean(6),
                        rs.getInt(7),
                        rs.getTimestamp(8));
            }
        }
    }

    private static long count() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM kv_state")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> offsets() throws SQLException {
        Map<String, Long> result = new TreeMap<>();
        try (Connection c = database.dataSource().getConnection();
                ResultSet rs =
                        c.createStatement().executeQuery("SELECT topic, partition, next_offset FROM applied_offsets")) {
            while (rs.next()) {
                result.put(rs.getString(1) + "/" + rs.getInt(2), rs.getLong(3));
            }
        }
        return result;
    }
}
