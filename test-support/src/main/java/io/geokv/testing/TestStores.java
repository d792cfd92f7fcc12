package io.geokv.testing;

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
 * {@code geokv_it_<region>} and Redis logical databases 4 to 6, which the tests empty before first
 * use so a fresh broker never meets rows written against an earlier one. The databases are only
 * dropped here: creating them takes region-store's migrations, which replication-streams runs when
 * it starts; tests that start a gateway first (it only reads) create them themselves.
 */
public final class TestStores {

    public static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    public static final String DATABASE_PREFIX = "geokv_it_";
    public static final int REDIS_FIRST_DATABASE = 4;

    /** A tenant with data residency in one region, {@link #RESIDENT_REGION}. */
    public static final String RESIDENT_TENANT = "eu-only";

    public static final String RESIDENT_REGION = "eu-west";

    /** A tenant with data residency in two regions, eu-west and asia-pac: it can fail over between them. */
    public static final String TWO_REGION_TENANT = "eu-asia";

    /** The test deployment's data residency ({@code geokv.residency.tenants}): every process has it. */
    public static final Map<String, List<String>> RESIDENCY =
            Map.of(RESIDENT_TENANT, List.of(RESIDENT_REGION), TWO_REGION_TENANT, List.of("eu-west", "asia-pac"));

    private TestStores() {}

    /** Spring properties that point every region at the test stores, with one resident tenant. */
    public static Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        RESIDENCY.forEach(
                (tenant, regions) -> properties.put("geokv.residency.tenants." + tenant, String.join(",", regions)));
        for (int i = 0; i < REGIONS.size(); i++) {
            properties.put("geokv.regions[" + i + "].name", REGIONS.get(i));
        }
        properties.put("geokv.database-prefix", DATABASE_PREFIX);
        properties.put("geokv.redis-first-database", REDIS_FIRST_DATABASE);
        return properties;
    }

    /** Drops every region's database named {@code databasePrefix<region>} and empties its Redis database. */
    public static void reset(String databasePrefix, int redisFirstDatabase) {
        dropDatabases(databasePrefix);
        for (int i = 0; i < REGIONS.size(); i++) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:6379/" + (redisFirstDatabase + i));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().flushdb();
            } finally {
                client.shutdown();
            }
        }
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
