package io.geokv.store.postgres;

import static io.geokv.store.TestStates.covering;
import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.store.TestStates;
import io.geokv.store.config.RegionProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RegionDatabaseIT {

    @Test
    void createsAMissingDatabaseAndMigratesIt_evenWhenOpenedConcurrently() throws Exception {
        RegionProperties region = TestStates.region("created", 10);
        dropDatabase(region.postgres().database());

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<RegionDatabase>> opened = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                opened.add(pool.submit((Callable<RegionDatabase>) () -> RegionDatabase.open(region)));
            }
            for (Future<RegionDatabase> future : opened) {
                try (RegionDatabase db = future.get()) {
                    assertThat(tables(db)).contains("kv_state", "applied_offsets");
                }
            }
        } finally {
            pool.shutdownNow();
        }

        // Opening an existing, migrated database again is a no-op.
        try (RegionDatabase db = RegionDatabase.open(region)) {
            assertThat(tables(db)).contains("kv_state", "applied_offsets");
        }
    }

    @Test
    void truncateEmptiesStatesAndOffsets() throws SQLException {
        try (RegionDatabase db = RegionDatabase.open(TestStates.region("created", 10))) {
            new StateWriter(db).write(List.of(m("t", "k", written(1, "v"))), covering("kv-events.us-east", 0, 1));

            db.truncate();

            assertThat(count(db, "kv_state")).isZero();
            assertThat(count(db, "applied_offsets")).isZero();
        }
    }

    @Test
    void anUnreachableServerFailsFastNamingTheRegion() {
        RegionProperties dead = TestStates.withDeadPostgres(TestStates.region("nowhere", 10));
        long start = System.nanoTime();

        assertThatThrownBy(() -> RegionDatabase.open(dead))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("region nowhere")
                .hasMessageContaining("unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static List<String> tables(RegionDatabase db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static long count(RegionDatabase db, String table) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void dropDatabase(String name) throws SQLException {
        assertThat(name).startsWith(TestStates.PREFIX);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement()
                    .execute("DROP DATABASE IF EXISTS " + RegionDatabase.quoteIdentifier(name) + " WITH (FORCE)");
        }
    }
}
