package io.geokv.store.postgres;

import io.geokv.conflict.KeyStateCodec;
import io.geokv.naming.GeokvNames;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The replication side of a region's PostgreSQL: loads merged states and applied offsets, and
 * commits merged states with the offsets they cover. Blocking: it is called from the threads of
 * the region's Streams application.
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
                                  context, newest_timestamp, updated_at)
            SELECT *, clock_timestamp()
            FROM unnest(?::text[], ?::text[], ?::int8[], ?::bytea[], ?::bytea[], ?::bytea[], ?::text[], ?::bool[], ?::int4[],
                        ?::text[], ?::int8[])
            ON CONFLICT (tenant, key) DO UPDATE SET
                version = EXCLUDED.version,
                state = EXCLUDED.state,
                state_digest = EXCLUDED.state_digest,
                value = EXCLUDED.value,
                content_type = EXCLUDED.content_type,
                deleted = EXCLUDED.deleted,
                sibling_count = EXCLUDED.sibling_count,
                context = EXCLUDED.context,
                newest_timestamp = EXCLUDED.newest_timestamp,
                updated_at = EXCLUDED.updated_at
            WHERE kv_state.version < EXCLUDED.version
            """;

    // Offsets only move forward, so a replay of older events cannot make a region look behind.
    private static final String UPSERT_OFFSETS = """
            INSERT INTO applied_offsets (topic, partition, read_offset, next_offset)
            SELECT * FROM unnest(?::text[], ?::int4[], ?::int8[], ?::int8[])
            ON CONFLICT (topic, partition) DO UPDATE SET
                read_offset = GREATEST(applied_offsets.read_offset, EXCLUDED.read_offset),
                next_offset = GREATEST(applied_offsets.next_offset, EXCLUDED.next_offset),
                updated_at = now()
            """;

    // Compare-and-set on the read offsets: only a writer that knows where it starts from moves them.
    // Rows the writer saw absent (expected 0) are inserted; any other mismatch moves nothing. The
    // origin offsets only move forward (0 where the batch moved none). One statement.
    private static final String MOVE_OFFSETS = """
            WITH i AS (
                SELECT * FROM unnest(?::text[], ?::int4[], ?::int8[], ?::int8[], ?::int8[])
                    AS i(topic, partition, expected, read_offset, next_offset)),
            moved AS (
                UPDATE applied_offsets a SET read_offset = i.read_offset,
                    next_offset = GREATEST(a.next_offset, i.next_offset), updated_at = now()
                FROM i WHERE a.topic = i.topic AND a.partition = i.partition AND a.read_offset = i.expected
                RETURNING 1),
            inserted AS (
                INSERT INTO applied_offsets (topic, partition, read_offset, next_offset)
                SELECT i.topic, i.partition, i.read_offset, i.next_offset FROM i WHERE i.expected = 0
                ON CONFLICT (topic, partition) DO NOTHING
                RETURNING 1)
            SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM inserted)
            """;

    static final String SELECT_STATES = """
            SELECT s.tenant, s.key, s.state
            FROM kv_state s JOIN unnest(?::text[], ?::text[]) AS k(tenant, key)
              ON s.tenant = k.tenant AND s.key = k.key
            """;

    private static final String SELECT_OFFSETS = """
            SELECT a.topic, a.partition, a.read_offset, a.next_offset
            FROM applied_offsets a JOIN unnest(?::text[], ?::int4[]) AS p(topic, partition)
              ON a.topic = p.topic AND a.partition = p.partition
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
     * <p>A commit that moves the applied offsets is followed by a notification on {@link
     * GeokvNames#APPLIED_CHANNEL} with the offsets it moved to ({@link AppliedNotice}), so that whoever
     * waits for this region to apply a position learns it at once, without asking.
     *
     * @param states  states to store; when a key appears more than once the highest version is kept
     * @param covered per topic partition read in its origin cluster, the next offset not covered by these states
     * @throws StoreException when the transaction fails (nothing was written)
     */
    public void write(List<MaterializedState> states, LogPositions covered) {
        store(states, AppliedPositions.unmirrored(covered), null);
    }

    /**
     * Like {@link #write}, but moves each covered partition's read offset only from the offset the
     * caller says it holds ({@code from}, 0 where it saw no row): the states of a batch folded on top
     * of what the database held at {@code from} are committed only if nobody else moved those offsets
     * meanwhile. That fences a writer that lost its partitions to another one (a zombie) and a writer
     * whose database was rebuilt under it.
     *
     * @param covered per partition read, the next offsets not covered by these states, in both coordinates
     * @param from per covered partition, the read offset the caller started from
     * @throws AppliedOffsetsMovedException when some offset was not at {@code from} (nothing was written)
     * @throws StoreException when the transaction fails (nothing was written)
     */
    public void commit(List<MaterializedState> states, AppliedPositions covered, LogPositions from) {
        store(states, covered, Objects.requireNonNull(from, "from"));
    }

    /** @param from where the read offsets must be for them to move, or null to move them forward only */
    private void store(List<MaterializedState> states, AppliedPositions covered, LogPositions from) {
        if (states.isEmpty() && covered.isEmpty()) {
            return;
        }
        List<StateRow> rows = latestPerKey(states).stream().map(StateRow::of).toList();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!covered.read().isEmpty()) {
                    if (from == null) {
                        upsertOffsets(c, covered);
                    } else if (moveOffsets(c, covered, from)
                            != covered.read().asMap().size()) {
                        c.rollback();
                        throw new AppliedOffsetsMovedException(
                                region,
                                from,
                                appliedOffsets(c, covered.read().asMap().keySet())
                                        .read());
                    }
                }
                if (!rows.isEmpty()) {
                    upsertStates(c, rows);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
            if (!covered.origin().isEmpty()) {
                // After the commit, in a transaction of its own that writes nothing: a transaction that
                // notifies holds PostgreSQL's notification lock through its commit, so notifying inside
                // the data's transaction would serialize every region's commits, WAL flush included.
                // A notification lost to a crash right here costs a listener one refresh interval.
                c.setAutoCommit(true);
                notifyApplied(c, AppliedNotice.payload(covered.origin()));
            }
            // No need to restore auto-commit: the pool resets it when the connection is returned.
        } catch (SQLException e) {
            throw new StoreException(
                    "region " + region + ": writing " + rows.size() + " states failed: " + e.getMessage(), e);
        }
    }

    /**
     * The stored merged states of the given keys (the i-th key belongs to the i-th tenant), in one
     * round trip; keys without a row are left out.
     */
    public List<MaterializedState> load(List<String> tenants, List<String> keys) {
        if (tenants.size() != keys.size()) {
            throw new IllegalArgumentException("one tenant per key");
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_STATES)) {
            List<Array> arrays = new ArrayList<>(2);
            try {
                bind(ps, arrays, 1, c.createArrayOf("text", tenants.toArray()));
                bind(ps, arrays, 2, c.createArrayOf("text", keys.toArray()));
                List<MaterializedState> found = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new MaterializedState(
                                rs.getString(1), rs.getString(2), KeyStateCodec.decode(rs.getBytes(3))));
                    }
                }
                return found;
            } finally {
                free(arrays);
            }
        } catch (SQLException e) {
            throw new StoreException(
                    "region " + region + ": loading " + keys.size() + " states failed: " + e.getMessage(), e);
        }
    }

    /** The applied offsets of the given partitions; a partition without a row is absent (nothing applied). */
    public AppliedPositions appliedOffsets(Collection<EventPartition> partitions) {
        try (Connection c = dataSource.getConnection()) {
            return appliedOffsets(c, partitions);
        } catch (SQLException e) {
            throw new StoreException("region " + region + ": reading applied offsets failed: " + e.getMessage(), e);
        }
    }

    private static AppliedPositions appliedOffsets(Connection c, Collection<EventPartition> partitions)
            throws SQLException {
        String[] topics = partitions.stream().map(EventPartition::topic).toArray(String[]::new);
        Integer[] numbers = partitions.stream().map(EventPartition::partition).toArray(Integer[]::new);
        List<Array> arrays = new ArrayList<>(2);
        try (PreparedStatement ps = c.prepareStatement(SELECT_OFFSETS)) {
            bind(ps, arrays, 1, c.createArrayOf("text", topics));
            bind(ps, arrays, 2, c.createArrayOf("int4", numbers));
            Map<EventPartition, Long> read = new HashMap<>();
            Map<EventPartition, Long> origin = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    EventPartition partition = new EventPartition(rs.getString(1), rs.getInt(2));
                    read.put(partition, rs.getLong(3));
                    origin.put(partition, rs.getLong(4));
                }
            }
            return new AppliedPositions(LogPositions.of(read), LogPositions.of(origin));
        } finally {
            free(arrays);
        }
    }

    private static int moveOffsets(Connection c, AppliedPositions covered, LogPositions from) throws SQLException {
        OffsetArrays o = OffsetArrays.of(covered);
        Long[] expected = new Long[o.topics.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = from.next(new EventPartition(o.topics[i], o.partitions[i]));
        }
        List<Array> arrays = new ArrayList<>(5);
        try (PreparedStatement ps = c.prepareStatement(MOVE_OFFSETS)) {
            bind(ps, arrays, 1, c.createArrayOf("text", o.topics));
            bind(ps, arrays, 2, c.createArrayOf("int4", o.partitions));
            bind(ps, arrays, 3, c.createArrayOf("int8", expected));
            bind(ps, arrays, 4, c.createArrayOf("int8", o.read));
            bind(ps, arrays, 5, c.createArrayOf("int8", o.origin));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } finally {
            free(arrays);
        }
    }

    /** Covered positions as the columns of the offset statements: one row per partition read. */
    private record OffsetArrays(String[] topics, Integer[] partitions, Long[] read, Long[] origin) {

        static OffsetArrays of(AppliedPositions covered) {
            int n = covered.read().asMap().size();
            OffsetArrays o = new OffsetArrays(new String[n], new Integer[n], new Long[n], new Long[n]);
            int i = 0;
            for (Map.Entry<EventPartition, Long> e : covered.read().asMap().entrySet()) {
                o.topics[i] = e.getKey().topic();
                o.partitions[i] = e.getKey().partition();
                o.read[i] = e.getValue();
                o.origin[i] = covered.origin().next(e.getKey());
                i++;
            }
            return o;
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
        String[] contexts = new String[n];
        Long[] newestTimestamps = new Long[n];
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
            contexts[i] = r.context();
            newestTimestamps[i] = r.newestTimestamp();
        }
        List<Array> arrays = new ArrayList<>(11);
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
            bind(ps, arrays, 10, c.createArrayOf("text", contexts));
            bind(ps, arrays, 11, c.createArrayOf("int8", newestTimestamps));
            ps.executeUpdate();
        } finally {
            free(arrays);
        }
    }

    private static void upsertOffsets(Connection c, AppliedPositions covered) throws SQLException {
        OffsetArrays o = OffsetArrays.of(covered);
        List<Array> arrays = new ArrayList<>(4);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_OFFSETS)) {
            bind(ps, arrays, 1, c.createArrayOf("text", o.topics));
            bind(ps, arrays, 2, c.createArrayOf("int4", o.partitions));
            bind(ps, arrays, 3, c.createArrayOf("int8", o.read));
            bind(ps, arrays, 4, c.createArrayOf("int8", o.origin));
            ps.executeUpdate();
        } finally {
            free(arrays);
        }
    }

    /** @param payload what moved ({@link AppliedNotice}); empty for "read again" */
    static void notifyApplied(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, GeokvNames.APPLIED_CHANNEL);
            ps.setString(2, payload);
            ps.execute();
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
