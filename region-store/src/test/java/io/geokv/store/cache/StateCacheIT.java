package io.geokv.store.cache;

import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import io.geokv.store.TestStates;
import io.geokv.store.config.RegionProperties;
import io.geokv.testing.TcpProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class StateCacheIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static StateCache cache;
    private static RedisClient rawClient;
    /** Direct access to the same logical database (11), and to a neighbour (12) that must stay untouched. */
    private static StatefulRedisConnection<String, String> raw11;

    private static StatefulRedisConnection<String, String> raw12;

    @BeforeAll
    static void open() {
        cache = new StateCache(TestStates.region("cache", 11));
        rawClient = RedisClient.create("redis://127.0.0.1:6379");
        raw11 = rawClient.connect();
        raw11.sync().select(11);
        raw12 = rawClient.connect();
        raw12.sync().select(12);
    }

    @AfterAll
    static void close() {
        cache.close();
        raw11.close();
        raw12.close();
        rawClient.shutdown();
    }

    @BeforeEach
    void empty() {
        cache.flush();
    }

    @Test
    void missesThenHitsAfterAFill() {
        KeyState state = written(2, "v");
        StepVerifier.create(cache.get("t", "k")).expectComplete().verify(TIMEOUT);

        StepVerifier.create(cache.putIfAbsent("t", "k", state))
                .expectNext(true)
                .expectComplete()
                .verify(TIMEOUT);

        KeyState cached = cache.get("t", "k").block(TIMEOUT);
        assertThat(cached.digest()).isEqualTo(state.digest());
        assertThat(raw11.sync().exists("kv:t/k")).isEqualTo(1);
        long ttl = raw11.sync().pttl("kv:t/k");
        assertThat(ttl).isBetween(1L, Duration.ofHours(1).toMillis());
    }

    @Test
    void putIfAbsentNeverOverwrites() {
        KeyState newer = written(3, "newer");
        cache.putAll(List.of(m("t", "k", newer)));

        StepVerifier.create(cache.putIfAbsent("t", "k", written(1, "older")))
                .expectNext(false)
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(cache.get("t", "k").block(TIMEOUT).version()).isEqualTo(newer.version());
    }

    @Test
    void putAllOverwritesInOrderWithTheTtl() {
        List<io.geokv.store.postgres.MaterializedState> states = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            states.add(m("bulk", "k" + i, written(1, "v" + i)));
        }
        cache.putAll(states);
        cache.putAll(List.of(m("bulk", "k7", written(4, "replaced"))));

        assertThat(raw11.sync().dbsize()).isEqualTo(2_000);
        assertThat(cache.get("bulk", "k7").block(TIMEOUT).version())
                .isEqualTo(written(4, "replaced").version());
        assertThat(raw11.sync().pttl("kv:bulk/k1999")).isPositive();
    }

    @Test
    void anUndecodableEntryIsAMissAndIsDeleted() {
        raw11.sync().set("kv:t/garbage", "not a key state");

        StepVerifier.create(cache.get("t", "garbage")).expectComplete().verify(TIMEOUT);

        assertThat(raw11.sync().exists("kv:t/garbage")).isZero();
    }

    @Test
    void flushEmptiesOnlyTheRegionsLogicalDatabase() {
        RedisCommands<String, String> neighbour = raw12.sync();
        neighbour.set("storetest:neighbour", "stays");
        cache.putAll(List.of(m("t", "k", written(1, "v"))));

        cache.flush();

        assertThat(raw11.sync().dbsize()).isZero();
        assertThat(neighbour.get("storetest:neighbour")).isEqualTo("stays");
        neighbour.del("storetest:neighbour");
    }

    @Test
    void pingAnswers() {
        StepVerifier.create(cache.ping()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aFailedSinkWriteEmptiesTheCacheBeforeTheNextOne() throws Exception {
        try (TcpProxy proxy = new TcpProxy(6379);
                StateCache flaky =
                        new StateCache(TestStates.withRedisPort(TestStates.region("cache", 11), proxy.port()))) {
            flaky.putAll(List.of(m("t", "a", written(1, "a"))));

            proxy.cut();
            assertThatThrownBy(() -> flaky.putAll(List.of(m("t", "a", written(2, "a")))))
                    .isInstanceOf(RedisException.class);
            // Redis still holds version 1 of t/a, which PostgreSQL has moved past.
            assertThat(raw11.sync().exists("kv:t/a")).isEqualTo(1);

            proxy.restore();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                flaky.putAll(List.of(m("t", "b", written(1, "b"))));
                return true;
            });

            assertThat(raw11.sync().exists("kv:t/a")).as("stale entry dropped").isZero();
            assertThat(raw11.sync().exists("kv:t/b")).isEqualTo(1);
        }
    }

    @Test
    void aPossiblyStaleCacheIsEmptiedAsSoonAsRedisAnswersWithoutWaitingForAWrite() throws Exception {
        try (TcpProxy proxy = new TcpProxy(6379);
                StateCache flaky =
                        new StateCache(TestStates.withRedisPort(TestStates.region("cache", 11), proxy.port()))) {
            flaky.putAll(List.of(m("t", "a", written(1, "a"))));
            proxy.cut();
            assertThatThrownBy(() -> flaky.putAll(List.of(m("t", "a", written(2, "a")))))
                    .isInstanceOf(RedisException.class);
            assertThat(flaky.repairIfStale()).as("Redis still away").isFalse();

            proxy.restore();
            await().atMost(Duration.ofSeconds(15)).until(flaky::repairIfStale);
            assertThat(raw11.sync().exists("kv:t/a"))
                    .as("stale entry dropped with no further write")
                    .isZero();
        }
    }

    @Test
    void aCacheMarkedStaleIsEmptiedOnRepair() {
        cache.putAll(List.of(m("t", "left-by-a-dead-sink", written(1, "a"))));
        cache.markStale();

        assertThat(cache.repairIfStale()).isTrue();
        assertThat(raw11.sync().exists("kv:t/left-by-a-dead-sink")).isZero();
    }

    @Test
    void aDeadRedisFailsFastInsteadOfHanging() {
        RegionProperties region = TestStates.withDeadRedis(TestStates.region("cache", 11));
        try (StateCache dead = new StateCache(region)) {
            for (int i = 0; i < 3; i++) {
                StepVerifier.create(dead.get("t", "k")).expectError().verify(Duration.ofSeconds(2));
                StepVerifier.create(dead.putIfAbsent("t", "k", written(1, "v")))
                        .expectError()
                        .verify(Duration.ofSeconds(2));
                StepVerifier.create(dead.ping()).expectError().verify(Duration.ofSeconds(2));
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> dead.putAll(List.of(m("t", "k", written(1, "v")))))
                    .isInstanceOf(RedisException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void repeatedReadsAreServedFromTheNearCacheWithoutAskingRedis() {
        cache.putAll(List.of(m("t", "hot", written(1, "v"))));
        readUntilNearCached(cache, "hot");

        long before = redisGets();
        for (int i = 0; i < 1_000; i++) {
            assertThat(cache.get("t", "hot").block(TIMEOUT).version())
                    .isEqualTo(written(1, "v").version());
        }
        assertThat(redisGets() - before).isLessThan(10);
    }

    @Test
    void aChangeWrittenByAnotherProcessReachesReadsAsSoonAsRedisReportsIt() {
        try (StateCache otherProcess = new StateCache(TestStates.region("cache", 11))) {
            otherProcess.putAll(List.of(m("t", "k", written(1, "v1"))));
            readUntilNearCached(cache, "k");

            otherProcess.putAll(List.of(m("t", "k", written(2, "v2"))));

            await().atMost(Duration.ofSeconds(2))
                    .until(() -> cache.get("t", "k").block(TIMEOUT).version()
                            == written(2, "v2").version());
        }
    }

    @Test
    void aFlushByAnotherProcessEmptiesTheNearCache() {
        try (StateCache otherProcess = new StateCache(TestStates.region("cache", 11))) {
            otherProcess.putAll(List.of(m("t", "k", written(1, "v1"))));
            readUntilNearCached(cache, "k");

            otherProcess.flush();

            await().atMost(Duration.ofSeconds(2))
                    .until(() -> cache.get("t", "k").blockOptional(TIMEOUT).isEmpty());
        }
    }

    @Test
    void aLostLinkToRedisEmptiesTheNearCacheSoChangesMissedMeanwhileAreNeverHidden() throws Exception {
        RegionProperties region = TestStates.region("cache", 11);
        RegionProperties.Redis redis = region.redis();
        try (TcpProxy proxy = new TcpProxy(6379);
                StateCache reader = new StateCache(TestStates.withRedisPort(
                        new RegionProperties(
                                region.name(),
                                region.postgres(),
                                new RegionProperties.Redis(
                                        redis.uri(),
                                        redis.ttl(),
                                        new RegionProperties.NearCache(
                                                redis.nearCache().size(), Duration.ofHours(1)))),
                        proxy.port()))) {
            cache.putAll(List.of(m("t", "k", written(1, "v1"))));
            readUntilNearCached(reader, "k");

            proxy.cut();
            await().atMost(TIMEOUT).until(() -> reader.nearCacheSize() == 0);
            // Redis's invalidation of this change has no link to travel on.
            cache.putAll(List.of(m("t", "k", written(2, "v2"))));
            proxy.restore();

            await().atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .until(() -> reader.get("t", "k").block(TIMEOUT).version()
                            == written(2, "v2").version());
            for (int i = 0; i < 100; i++) {
                assertThat(reader.get("t", "k").block(TIMEOUT).version())
                        .isEqualTo(written(2, "v2").version());
            }
        }
    }

    /** Reads the key until the near cache holds it (tracking is turned on as the connection opens). */
    private static void readUntilNearCached(StateCache reader, String key) {
        await().atMost(TIMEOUT).until(() -> {
            reader.get("t", key).block(TIMEOUT);
            return reader.nearCacheSize() > 0;
        });
    }

    /** How many GETs Redis has executed since it started (every client: the tests run one at a time). */
    private static long redisGets() {
        String stats = raw11.sync().info("commandstats");
        for (String line : stats.split("\\R")) {
            if (line.startsWith("cmdstat_get:")) {
                String calls = line.substring(line.indexOf("calls=") + "calls=".length());
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }
}
