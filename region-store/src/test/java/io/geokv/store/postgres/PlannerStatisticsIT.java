package io.geokv.store.postgres;

import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.position.LogPositions;
import io.geokv.store.TestStates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * geokv's key lookups are prepared once per connection while {@code kv_state} grows from empty. A
 * lookup prepared on the empty table must find keys by index once the table is large, also where
 * autovacuum is off: its plan must not stay one cached for the empty table (a scan of the whole
 * table per lookup).
 */
class PlannerStatisticsIT {

    private static RegionDatabase database;

    @BeforeAll
    static void open() {
        database = RegionDatabase.open(TestStates.region("planner-statistics", 12));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void keyLookupsPreparedOnAnEmptyTableUseTheIndexOnceTheGrownTableIsAnalyzed() throws SQLException {
        database.truncate();
        try (Connection c = database.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("PREPARE load_states(text[], text[]) AS " + positional(StateWriter.SELECT_STATES));
            st.execute("PREPARE write_bases(text[], text[]) AS " + StateReader.SELECT_WRITE_BASES);
            st.execute("PREPARE states_as_of(text[], text[]) AS " + StateReader.SELECT_STATES_AS_OF);
            // More executions than PostgreSQL's plan cache needs to settle on a generic plan.
            for (int i = 0; i < 10; i++) {
                st.execute("EXECUTE load_states('{t,t,t}', '{a,b,c}')");
                st.execute("EXECUTE write_bases('{t,t,t}', '{a,b,c}')");
                st.execute("EXECUTE states_as_of('{t,t,t}', '{a,b,c}')");
            }

            List<MaterializedState> rows = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                rows.add(m("t", "key-" + i, written(1, "v")));
            }
            new StateWriter(database).write(rows, LogPositions.empty());
            PlannerStatistics statistics = new PlannerStatistics(database);
            // PostgreSQL's change counters reach pg_stat_user_tables within a second or so.
            await().atMost(Duration.ofSeconds(20)).until(statistics::refreshIfStale);

            assertThat(plan(st, "load_states")).contains("kv_state_pkey").doesNotContain("Seq Scan on kv_state");
            assertThat(plan(st, "write_bases")).contains("kv_state_pkey").doesNotContain("Seq Scan on kv_state");
            assertThat(plan(st, "states_as_of")).contains("kv_state_pkey").doesNotContain("Seq Scan on kv_state");
            assertThat(statistics.refreshIfStale()).as("nothing changed since").isFalse();
        }
    }

    private static String plan(Statement st, String statement) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE " + statement + "('{t,t,t}', '{key-1,key-2,x}')")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** JDBC's {@code ?} placeholders as PostgreSQL's {@code $n}. */
    private static String positional(String jdbcSql) {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char ch : jdbcSql.toCharArray()) {
            if (ch == '?') {
                sql.append('$').append(++n);
            } else {
                sql.append(ch);
            }
        }
        return sql.toString();
    }
}
