package io.geokv.store;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.VersionVector;
import io.geokv.conflict.Write;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Deterministic states and test regions (databases geokv_storetest_*, Redis databases 10-12). */
public final class TestStates {

    public static final String PREFIX = "geokv_storetest_";

    private TestStates() {}

    /**
     * A test region whose database is {@code geokv_storetest_<name>} and whose Redis logical
     * database is {@code redisDatabase}.
     */
    public static RegionProperties region(String name, int redisDatabase) {
        return new RegionsProperties(List.of(RegionProperties.named(name)), PREFIX, redisDatabase).region(name);
    }

    /** The same region with its Redis at a port nothing listens on. */
    public static RegionProperties withDeadRedis(RegionProperties region) {
        return withRedisPort(region, FreePorts.take());
    }

    /** The same region and Redis logical database, reached through another local port (a proxy). */
    public static RegionProperties withRedisPort(RegionProperties region, int port) {
        String uri = region.redis().uri().replace(":6379/", ":" + port + "/");
        return new RegionProperties(
                region.name(),
                region.postgres(),
                new RegionProperties.Redis(
                        uri, region.redis().ttl(), region.redis().nearCache()));
    }

    /** The same region and database, its PostgreSQL reached through another local port (a proxy). */
    public static RegionProperties withPostgresPort(RegionProperties region, int port) {
        RegionProperties.Postgres pg = region.postgres();
        return new RegionProperties(
                region.name(),
                new RegionProperties.Postgres(
                        pg.host(), port, pg.database(), pg.username(), pg.password(), pg.maxPoolSize()),
                region.redis());
    }

    /** The same region with its PostgreSQL at a port nothing listens on. */
    public static RegionProperties withDeadPostgres(RegionProperties region) {
        RegionProperties.Postgres pg = region.postgres();
        return new RegionProperties(
                region.name(),
                new RegionProperties.Postgres(
                        pg.host(), FreePorts.take(), pg.database(), pg.username(), pg.password(), 2),
                region.redis());
    }

    /**
     * The state after {@code writes} successive writes of one origin, each superseding the last;
     * its version grows with {@code writes} and its value is {@code value}.
     */
    /** Positions covering {@code topic/partition} up to {@code next} (exclusive), then each further triple. */
    public static LogPositions covering(Object... topicPartitionNext) {
        LogPositions positions = LogPositions.empty();
        for (int i = 0; i < topicPartitionNext.length; i += 3) {
            positions = positions.with(
                    new EventPartition((String) topicPartitionNext[i], (Integer) topicPartitionNext[i + 1]),
                    ((Number) topicPartitionNext[i + 2]).longValue());
        }
        return positions;
    }

    public static KeyState written(int writes, String value) {
        KeyState state = KeyState.empty();
        for (int i = 1; i <= writes; i++) {
            String v = i == writes ? value : value + "-old-" + i;
            state = state.receive(write("e-" + v + "-" + i, "us-east", state.context(), v, 1_000L + i));
        }
        return state;
    }

    /** {@code base} followed by a delete that supersedes it. */
    public static KeyState deleted(KeyState base) {
        return base.receive(
                new Write("del-" + base.version(), "us-east", base.context(), null, null, 9_000L + base.version()));
    }

    /** Two writes from two regions that had not seen each other: two siblings. */
    public static KeyState concurrent(String a, String b) {
        return KeyState.empty()
                .receive(write("c-" + a, "us-east", VersionVector.empty(), a, 5_000L))
                .receive(write("c-" + b, "eu-west", VersionVector.empty(), b, 5_001L));
    }

    public static Write write(String eventId, String origin, VersionVector context, String value, long timestamp) {
        return new Write(eventId, origin, context, value.getBytes(StandardCharsets.UTF_8), "text/plain", timestamp);
    }

    public static MaterializedState m(String tenant, String key, KeyState state) {
        return new MaterializedState(tenant, key, state);
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
