package io.geokv.store.postgres;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Writes merged states into a region's PostgreSQL. Blocking: it is called from the Kafka consumer
 * thread of the Streams sink, which commits its offsets only after this returns.
 * <p>
 * Each call is one transaction holding one statement per table: rows travel as arrays and are
 * expanded server-side by {@code unnest}, so a batch of thousands of keys costs one round trip.
 */
public final class StateWriter {

    // Guarded by version: an older state (a late or replayed batch) never replaces a newer one,
    // and rewriting the same state changes nothing. updated_at is the statement's clock, a moment
    // before the commit (now() would be the transaction's start): it tells when a row became visible.
    private static final String UPSERT_STATES = """
            INSERT INTO kv_state (tenant, key, version, state, state_digest, value, content_type, deleted, sibling_count,
                                  updated_at)
            SELECT *, clock_timestamp()
            FROM unnest(?::text[], ?::text[], ?::int8[], ?::bytea[], ?::bytea[], ?::bytea[], ?::text[], ?::bool[], ?::int4[])
            ON CONFLICT (tenant, key) DO UPDATE SET
                version = EXCLUDED.version,
                state = EXCLUDED.state,
                state_digest = EXCLUDED.state_digest,
                value = EXCLUDED.value,
                content_type = EXCLUDED.content_type,
                deleted = EXCLUDED.deleted,
                sibling_count = EXCLUDED.sibling_count,
                updated_at = EXCLUDED.updated_at
            WHERE kv_state.version < EXCLUDED.version
            """;

    // Offsets only move forward, so a replay of older events cannot make a region look behind.
    private static final String UPSERT_OFFSETS = """
            INSERT INTO applied_offsets (topic, partition, next_offset)
            SELECT * FROM unnest(?::text[], ?::int4[], ?::int8[])
            ON CONFLICT (topic, partition) DO UPDATE SET
                next_offset = GREATEST(applied_offsets.next_offset, EXCLUDED.next_offset),
                updated_at = now()
            """;

    /** Key order: also the lock order, so two concurrent writers cannot deadlock on each other's rows. */
    private static final Comparator<MaterializedState> BY_KEY =
            Comparator.comparing(MaterializedState::tenant).thenComparing(MaterializedState::key);

    private final String region;
    private final DataSource dataSource;

    /** A writer into the given region's database. */
    public StateWriter(RegionDatabase database) {
        this(database.region(), database.dataSource());
    }

    /**
     * @param region     region name, for error messages
     * @param dataSource pool of the region's database (already migrated)
     */
    public StateWriter(String region, DataSource dataSource) {
        this.region = Objects.requireNonNull(region, "region");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Stores the states and the offsets they cover in one transaction: either all of it becomes
     * visible or none, so the applied offsets always describe exactly what the database holds.
     *
     * <p>A commit that moves the applied offsets notifies {@link GeokvNames#APPLIED_CHANNEL}
     * (PostgreSQL delivers it only once the transaction commits), so that whoever waits for this
     * region to apply a position learns it at once instead of asking again and again.
     *
     * @param states  states to store; when a key appears more than once the highest version is kept
     * @param covered per origin topic partition, the next offset not covered by these states
     * @throws StoreException when the transaction fails (nothing was written)
     */
    public void write(List<MaterializedState> states, LogPositions covered) {
        if (states.isEmpty() && covered.isEmpty()) {
            return;
        }
        List<StateRow> rows = latestPerKey(states).stream().map(StateRow::of).toList();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!rows.isEmpty()) {
                    upsertStates(c, rows);
                }
                if (!covered.isEmpty()) {
                    upsertOffsets(c, covered);
                    notifyApplied(c);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
            // No need to restore auto-commit: the pool resets it when the connection is returned.
        } catch (SQLException e) {
            throw new StoreException(
                    "region " + region + ": writing " + rows.size() + " states failed: " + e.getMessage(), e);
        }
    }

    /** ON CONFLICT cannot touch the same row twice in one statement: keep each key's newest state. */
    static Collection<MaterializedState> latestPerKey(List<MaterializedState> states) {
        Map<MaterializedState, MaterializedState> latest = new TreeMap<>(BY_KEY);
        for (MaterializedState s : states) {
            latest.merge(s, s, (a, b) -> b.state().version() > a.state().version() ? b : a);
        }
        return latest.values();
    }

    private static void upsertStates(Connection c, List<StateRow> rows) throws SQLException {
        int n = rows.size();
        String[] tenants = new String[n];
        String[] keys = new String[n];
        Long[] versions = new Long[n];
        byte[][] states = new byte[n][];
        byte[][] digests = new byte[n][];
        byte[][] values = new byte[n][];
        String[] contentTypes = new String[n];
        Boolean[] deleted = new Boolean[n];
        Integer[] siblingCounts = new Integer[n];
        for (int i = 0; i < n; i++) {
            StateRow r = rows.get(i);
            tenants[i] = r.tenant();
            keys[i] = r.key();
            versions[i] = r.version();
            states[i] = r.state();
            digests[i] = r.stateDigest();
            values[i] = r.value();
            contentTypes[i] = r.contentType();
            deleted[i] = r.deleted();
            siblingCounts[i] = r.siblingCount();
        }
        List<Array> arrays = new ArrayList<>(9);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_STATES)) {
            bind(ps, arrays, 1, c.createArrayOf("text", tenants));
            bind(ps, arrays, 2, c.createArrayOf("text", keys));
            bind(ps, arrays, 3, c.createArrayOf("int8", versions));
            bind(ps, arrays, 4, c.createArrayOf("bytea", states));
            bind(ps, arrays, 5, c.createArrayOf("bytea", digests));
            bind(ps, arrays, 6, c.createArrayOf("bytea", values));
            bind(ps, arrays, 7, c.createArrayOf("text", contentTypes));
            bind(ps, arrays, 8, c.createArrayOf("bool", deleted));
            bind(ps, arrays, 9, c.createArrayOf("int4", siblingCounts));
            ps.executeUpdate();
        } finally {
            free(arrays);
        }
    }

    private static void upsertOffsets(Connection c, LogPositions covered) throws SQLException {
        int n = covered.asMap().size();
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] next = new Long[n];
        int i = 0;
        for (Map.Entry<EventPartition, Long> o : covered.asMap().entrySet()) {
            topics[i] = o.getKey().topic();
            partitions[i] = o.getKey().partition();
            next[i] = o.getValue();
            i++;
        }
        List<Array> arrays = new ArrayList<>(3);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_OFFSETS)) {
            bind(ps, arrays, 1, c.createArrayOf("text", topics));
            bind(ps, arrays, 2, c.createArrayOf("int4", partitions));
            bind(ps, arrays, 3, c.createArrayOf("int8", next));
            ps.executeUpdate();
        } finally {
            free(arrays);
        }
    }

    static void notifyApplied(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("NOTIFY " + GeokvNames.APPLIED_CHANNEL);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void bind(PreparedStatement ps, List<Array> arrays, int index, Array array) throws SQLException {
        arrays.add(array);
        ps.setArray(index, array);
    }

    private static void free(List<Array> arrays) throws SQLException {
        for (Array a : arrays) {
            a.free();
        }
    }
}
