package io.geokv.bench;

import io.geokv.naming.GeokvNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Everything a run needs: where the pieces are, and how big each scenario is (quick or full). */
record BenchSettings(
        boolean quick,
        String gatewayUrl,
        String streamsUrl,
        String bootstrap,
        String postgresHost,
        int postgresPort,
        String postgresUser,
        String postgresPassword,
        String databasePrefix,
        List<String> regions,
        String redisHost,
        int redisPort,
        int redisDatabase,
        int connections,
        int valueSize,
        int materializeRecords,
        int materializeWarmupRecords,
        Duration materializeTimeout,
        Duration replayTimeout,
        Duration warmup,
        Duration measure,
        int hotKeys,
        int redisRequests,
        int lagRate,
        Duration lagDuration,
        Map<String, Long> pids,
        Map<String, String> clusters) {

    static final String TENANT = "bench";

    /** Whether each region has a Kafka cluster of its own (the multi topology). */
    boolean multi() {
        return !clusters.isEmpty();
    }

    /** The bootstrap servers of the cluster that holds {@code region}'s own event topic. */
    String bootstrapOf(String region) {
        return clusters.getOrDefault(region, bootstrap);
    }

    String jdbcUrl(String region) {
        return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + database(region);
    }

    /** A JDBC connection to the region's database. */
    Connection connect(String region) throws SQLException {
        Properties p = new Properties();
        p.put("user", postgresUser);
        p.put("password", postgresPassword);
        return DriverManager.getConnection(jdbcUrl(region), p);
    }

    /** The region's database name, as geokv derives it from the prefix. */
    String database(String region) {
        return GeokvNames.database(databasePrefix, region);
    }

    /** The same settings, with {@code name}'s process now {@code pid} (a restarted one). */
    BenchSettings withPid(String name, long pid) {
        Map<String, Long> now = new LinkedHashMap<>(pids);
        now.put(name, pid);
        return new BenchSettings(
                quick,
                gatewayUrl,
                streamsUrl,
                bootstrap,
                postgresHost,
                postgresPort,
                postgresUser,
                postgresPassword,
                databasePrefix,
                regions,
                redisHost,
                redisPort,
                redisDatabase,
                connections,
                valueSize,
                materializeRecords,
                materializeWarmupRecords,
                materializeTimeout,
                replayTimeout,
                warmup,
                measure,
                hotKeys,
                redisRequests,
                lagRate,
                lagDuration,
                Map.copyOf(now),
                clusters);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regions", regions);
        m.put("connections", connections);
        m.put("value_size", valueSize);
        m.put("materialize_records", materializeRecords);
        m.put("materialize_warmup_records", materializeWarmupRecords);
        m.put("replay_timeout_s", replayTimeout.toSeconds());
        m.put("warmup_s", warmup.toMillis() / 1000.0);
        m.put("measure_s", measure.toMillis() / 1000.0);
        m.put("hot_keys", hotKeys);
        m.put("redis_benchmark_requests", redisRequests);
        m.put("lag_rate_per_s", lagRate);
        m.put("lag_duration_s", lagDuration.toSeconds());
        m.put("database_prefix", databasePrefix);
        m.put("redis_database", redisDatabase);
        if (multi()) {
            m.put("clusters", clusters);
        }
        return m;
    }
}
