package io.geokv.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw references' table {@code bench_raw_kv}: kv_state's shape by construction (the raw writers pay
 * for the same rows and indexes), written with multi-row upserts of at most {@value #ROWS_PER_STATEMENT}
 * rows, as a user tuning a JDBC writer would.
 */
final class RawRows {

    static final int ROWS_PER_STATEMENT = 500;

    /** One row of kv_state's shape. */
    record Row(
            String tenant,
            String key,
            long version,
            byte[] state,
            byte[] digest,
            byte[] value,
            String contentType,
            boolean deleted,
            int siblingCount) {}

    private final Map<Integer, PreparedStatement> statements = new HashMap<>();
    private final Connection connection;

    RawRows(Connection connection) {
        this.connection = connection;
    }

    /** A fresh, empty {@code bench_raw_kv} and {@code bench_raw_offsets} in the connection's database. */
    static void recreateTables(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_raw_kv, bench_raw_offsets");
            st.execute("CREATE TABLE bench_raw_kv (LIKE kv_state INCLUDING ALL)");
            st.execute("CREATE TABLE bench_raw_offsets (LIKE applied_offsets INCLUDING ALL)");
        }
    }

    static void dropTables(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_raw_kv, bench_raw_offsets");
        }
    }

    /** Upserts the rows (no key twice), in statements of at most {@link #ROWS_PER_STATEMENT} rows. */
    void upsert(List<Row> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            PreparedStatement ps = statement(chunk.size());
            for (int r = 0; r < chunk.size(); r++) {
                Row row = chunk.get(r);
                int p = r * 9;
                ps.setString(p + 1, row.tenant());
                ps.setString(p + 2, row.key());
                ps.setLong(p + 3, row.version());
                ps.setBytes(p + 4, row.state());
                ps.setBytes(p + 5, row.digest());
                ps.setBytes(p + 6, row.value());
                ps.setString(p + 7, row.contentType());
                ps.setBoolean(p + 8, row.deleted());
                ps.setInt(p + 9, row.siblingCount());
            }
            ps.executeUpdate();
        }
    }

    private PreparedStatement statement(int rows) throws SQLException {
        PreparedStatement ps = statements.get(rows);
        if (ps == null) {
            StringBuilder sql = new StringBuilder("INSERT INTO bench_raw_kv (tenant, key, version, state, state_digest,"
                    + " value, content_type, deleted, sibling_count) VALUES ");
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
            }
            sql.append(" ON CONFLICT (tenant, key) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state,"
                    + " state_digest = EXCLUDED.state_digest, value = EXCLUDED.value,"
                    + " content_type = EXCLUDED.content_type, deleted = EXCLUDED.deleted,"
                    + " sibling_count = EXCLUDED.sibling_count, updated_at = now()");
            ps = connection.prepareStatement(sql.toString());
            statements.put(rows, ps);
        }
        return ps;
    }
}
