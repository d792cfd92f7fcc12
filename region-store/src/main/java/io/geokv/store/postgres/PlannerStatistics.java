package io.geokv.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Keeps the planner statistics of a region's {@code kv_state} current while the table grows, so that
 * the key lookups every geokv session prepares keep index plans.
 *
 * <p>Why: geokv's statements are prepared once per connection, and after five executions PostgreSQL
 * may settle on a generic plan that it keeps until the table's statistics change. A plan made while
 * {@code kv_state} was nearly empty (a new region, a replay) joins the looked-up keys to a scan of the
 * whole table, and goes on doing so as the table grows to millions of rows. Autovacuum's analyze
 * would replace it eventually, but only where autovacuum is on, and only after the table has grown
 * by a tenth. Measured on the bench with autovacuum off: a blind write's write-base lookup took 40 to
 * 75 ms at 65,000 rows instead of well under a millisecond, and the gateway carried 700 writes/s
 * instead of thousands. Planning every execution instead ({@code plan_cache_mode=force_custom_plan})
 * was measured too and costs 80 to 90 µs of the server's CPU per lookup: it halved the uncached reads.
 *
 * <p>So the region's writer analyzes the table itself once the rows changed since the last analyze
 * (PostgreSQL's own {@code n_mod_since_analyze}) exceed {@value #MIN_CHANGES} plus half the rows the
 * last analyze counted: a few analyzes while a table doubles and doubles again, none once it is
 * large and steady; with autovacuum on, autovacuum usually gets there first. An {@code ANALYZE}
 * invalidates every session's cached plans of the table, the gateway's included.
 */
public final class PlannerStatistics {

    private static final long MIN_CHANGES = 1000;

    private static final String CHANGES = """
            SELECT s.n_mod_since_analyze, c.reltuples
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.relid = 'kv_state'::regclass
            """;

    private final DataSource dataSource;

    public PlannerStatistics(RegionDatabase database) {
        this.dataSource = database.dataSource();
    }

    /**
     * Analyzes {@code kv_state} when it changed enough since its statistics were taken (see the class
     * comment).
     *
     * @return whether it did
     * @throws StoreException when PostgreSQL fails
     */
    public boolean refreshIfStale() {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            long changed;
            double counted;
            try (ResultSet rs = st.executeQuery(CHANGES)) {
                if (!rs.next()) {
                    return false;
                }
                changed = rs.getLong(1);
                counted = Math.max(0, rs.getDouble(2)); // -1: never analyzed
            }
            if (changed <= MIN_CHANGES + counted / 2) {
                return false;
            }
            st.execute("ANALYZE kv_state");
            return true;
        } catch (SQLException e) {
            throw new StoreException("analyzing kv_state failed: " + e.getMessage(), e);
        }
    }
}
