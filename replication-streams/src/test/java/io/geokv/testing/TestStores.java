package io.geokv.testing;

import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real PostgreSQL and Redis of this machine, with names of their own for tests: databases
 * {@code geokv_it_<region>} and Redis logical databases 4 to 6, emptied once per test JVM so a
 * fresh broker never meets rows written against an earlier one.
 */
public final class TestStores {

    public static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    public static final String DATABASE_PREFIX = "geokv_it_";
    public static final int REDIS_FIRST_DATABASE = 4;

    private static boolean reset;

    private TestStores() {}

    /** Spring properties that point every region at the test stores. */
    public static Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < REGIONS.size(); i++) {
            properties.put("geokv.regions[" + i + "].name", REGIONS.get(i));
        }
        properties.put("geokv.database-prefix", DATABASE_PREFIX);
        properties.put("geokv.redis-first-database", REDIS_FIRST_DATABASE);
        return properties;
    }

    public static synchronized void resetOncePerJvm() {
        if (!reset) {
            reset(DATABASE_PREFIX, REDIS_FIRST_DATABASE);
            reset = true;
        }
    }

    /** Recreates every region's database named {@code databasePrefix<region>} and empties its Redis database. */
    public static void reset(String databasePrefix, int redisFirstDatabase) {
        recreateDatabases(databasePrefix);
        for (int i = 0; i < REGIONS.size(); i++) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:6379/" + (redisFirstDatabase + i));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().flushdb();
            } finally {
                client.shutdown();
            }
        }
    }

    /**
     * Drops every region's database named {@code databasePrefix<region>} and creates it again with
     * its schema, as replication-streams does at its start: a gateway opens only the read side of a
     * region, so a test that starts one first still finds the tables.
     */
    public static void recreateDatabases(String databasePrefix) {
        dropDatabases(databasePrefix);
        RegionStores.open(new RegionsProperties(
                        REGIONS.stream().map(RegionProperties::named).toList(), databasePrefix, 0))
                .close();
    }

    /** Drops every region's database named {@code databasePrefix<region>}. */
    public static void dropDatabases(String databasePrefix) {
        try (Connection connection =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            for (String region : REGIONS) {
                statement.execute(
                        "DROP DATABASE IF EXISTS " + databasePrefix + region.replace('-', '_') + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on 127.0.0.1:5432 for the integration tests", e);
        }
    }
}
