package io.geokv.store;

import static io.geokv.position.AppliedPositions.unmirrored;
import static io.geokv.store.TestStates.covering;
import static io.geokv.store.TestStates.m;
import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.postgres.AppliedOffsetsMovedException;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.store.postgres.StateReader;
import io.geokv.store.postgres.StoreException;
import io.geokv.store.postgres.WriteBase;
import io.geokv.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RegionStoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static RegionStore store;

    @BeforeAll
    static void open() {
        store = RegionStore.open(TestStates.region("store", 12));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @BeforeEach
    void empty() {
        store.database().truncate();
        store.cache().flush();
    }

    @Test
    void readsThroughTheCache() {
        KeyState state = written(2, "v");
        store.writer().write(List.of(m("t", "k", state)), LogPositions.empty());

        Lookup first = store.read("t", "k").block(TIMEOUT);
        assertThat(first.source()).isEqualTo(Source.DB);
        assertThat(first.state().digest()).isEqualTo(state.digest());

        Lookup second = store.read("t", "k").block(TIMEOUT);
        assertThat(second.source()).isEqualTo(Source.CACHE);
        assertThat(second.state().digest()).isEqualTo(state.digest());
        assertThat(second.source().wire()).isEqualTo("cache");
        assertThat(first.source().wire()).isEqualTo("db");
    }

    @Test
    void anAbsentKeyIsEmpty() {
        StepVerifier.create(store.read("t", "nothing")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void theSinksWriteWinsOverAnOlderReadThroughFill() {
        KeyState older = written(1, "old");
        KeyState newer = written(2, "new");
        store.writer().write(List.of(m("t", "k", newer)), LogPositions.empty());
        store.cache().putAll(List.of(m("t", "k", newer)));

        // A reader that had fetched the older state from PostgreSQL before the sink moved on.
        StepVerifier.create(store.cache().putIfAbsent("t", "k", older))
                .expectNext(false)
                .verifyComplete();

        Lookup lookup = store.read("t", "k").block(TIMEOUT);
        assertThat(lookup.source()).isEqualTo(Source.CACHE);
        assertThat(lookup.state().version()).isEqualTo(newer.version());
    }

    @Test
    void fallsBackToPostgresQuicklyWhenRedisIsDown() {
        store.writer().write(List.of(m("t", "k", written(1, "v"))), LogPositions.empty());
        RegionProperties deadRedis = TestStates.withDeadRedis(TestStates.region("store", 12));

        try (RegionStore degraded = RegionStore.open(deadRedis)) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Lookup lookup = degraded.read("t", "k").block(TIMEOUT);
                assertThat(lookup.source()).isEqualTo(Source.DB);
                assertThat(TestStates.text(lookup.state().siblings().get(0).value()))
                        .isEqualTo("v");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
            StepVerifier.create(degraded.read("t", "absent")).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void survivesRedisGoingAwayAndUsesItAgainWhenBack() throws Exception {
        store.writer().write(List.of(m("t", "k", written(1, "v"))), LogPositions.empty());
        try (TcpProxy proxy = new TcpProxy(6379);
                RegionStore flaky =
                        RegionStore.open(TestStates.withRedisPort(TestStates.region("store", 12), proxy.port()))) {
            assertThat(flaky.read("t", "k").block(TIMEOUT).source()).isEqualTo(Source.DB);
            assertThat(flaky.read("t", "k").block(TIMEOUT).source()).isEqualTo(Source.CACHE);

            proxy.cut();
            // The near cache serves what it holds until the lost link is noticed; then PostgreSQL does.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                long start = System.nanoTime();
                Source source = flaky.read("t", "k").block(TIMEOUT).source();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                return source == Source.DB;
            });

            proxy.restore();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> flaky.read("t", "k").block(TIMEOUT).source() == Source.CACHE);
        }
    }

    @Test
    void everyPoolReconnectsOnceAPostgresqlOutageIsOver() throws Exception {
        store.writer().write(List.of(m("t", "pooled", written(1, "v"))), LogPositions.empty());
        try (TcpProxy proxy = new TcpProxy(5432);
                RegionStore flaky =
                        RegionStore.open(TestStates.withPostgresPort(TestStates.region("store", 12), proxy.port()))) {
            // Fill each pool with several connections, then cut them all.
            Flux.range(0, 6).flatMap(i -> flaky.reader().find("t", "pooled")).blockLast(TIMEOUT);
            Flux.range(0, 6).flatMap(i -> flaky.intents().find("t", "pooled")).blockLast(TIMEOUT);
            Flux.range(0, 6)
                    .flatMap(i -> flaky.locks()
                            .whileLocked(
                                    "t",
                                    "pooled-" + i,
                                    Duration.ofSeconds(1),
                                    lock -> Mono.delay(Duration.ofMillis(50))))
                    .blockLast(TIMEOUT);
            proxy.cut();
            proxy.restore();

            // The first use after the outage finds dead connections in the pool: it must not fail.
            assertThat(flaky.reader().find("t", "pooled").block(TIMEOUT)).isNotNull();
            flaky.intents().record("t", "pooled", "e1").block(TIMEOUT);
            assertThat(flaky.locks()
                            .whileLocked("t", "pooled-0", Duration.ofSeconds(1), lock -> Mono.just(1))
                            .block(TIMEOUT))
                    .isEqualTo(1);
        }
    }

    @Test
    void aHolderLearnsThatItsLockWasLostWithItsConnectionAndAnotherTakerHasIt() throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432);
                RegionStore flaky =
                        RegionStore.open(TestStates.withPostgresPort(TestStates.region("store", 12), proxy.port()))) {
            CompletableFuture<Void> locked = new CompletableFuture<>();
            CompletableFuture<Void> goOn = new CompletableFuture<>();
            CompletableFuture<String> holder = flaky.locks()
                    .whileLocked(
                            "t",
                            "lost",
                            Duration.ofSeconds(1),
                            lock -> lock.verify()
                                    .doOnSuccess(held -> locked.complete(null))
                                    .then(Mono.fromFuture(goOn))
                                    .then(lock.verify())
                                    .thenReturn("published"))
                    .toFuture();
            locked.get(5, TimeUnit.SECONDS);

            proxy.cut();
            proxy.restore();
            assertThat(store.locks()
                            .whileLocked("t", "lost", Duration.ofSeconds(5), lock -> Mono.just("taken"))
                            .block(TIMEOUT))
                    .as("PostgreSQL released the lock with its connection")
                    .isEqualTo("taken");

            goOn.complete(null);
            assertThatThrownBy(holder::join)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("was lost");
        }
    }

    @Test
    void truncateAndFlushEmptyTheRegion() {
        store.writer().write(List.of(m("t", "k", written(1, "v"))), covering("kv-events.us-east", 0, 1));
        assertThat(store.read("t", "k").block(TIMEOUT).source()).isEqualTo(Source.DB);
        assertThat(store.read("t", "k").block(TIMEOUT).source()).isEqualTo(Source.CACHE);

        store.database().truncate();
        store.cache().flush();

        StepVerifier.create(store.read("t", "k")).expectComplete().verify(TIMEOUT);
        assertThat(store.reader().countLive().block(TIMEOUT)).isZero();
        assertThat(store.reader().appliedPositions().block(TIMEOUT)).isEqualTo(LogPositions.empty());
    }

    @Test
    void aCommitMovesAppliedOffsetsOnlyFromWhereItsWriterStartedAndLoadsWhatItWrote() {
        store.database().truncate();
        LogPositions one = covering("kv-events.us-east", 0, 1);
        LogPositions three = covering("kv-events.us-east", 0, 3);
        store.writer().commit(List.of(m("t", "fenced", written(1, "first"))), unmirrored(one), LogPositions.empty());
        assertThat(store.writer().appliedOffsets(one.asMap().keySet())).isEqualTo(unmirrored(one));

        assertThatThrownBy(() -> store.writer()
                        .commit(
                                List.of(m("t", "fenced", written(2, "from a zombie"))),
                                unmirrored(three),
                                LogPositions.empty()))
                .as("a writer that still believes nothing was applied")
                .isInstanceOf(AppliedOffsetsMovedException.class)
                .satisfies(e -> assertThat(((StoreException) e).isTransient()).isFalse());
        assertThat(store.writer().load(List.of("t", "t"), List.of("fenced", "absent")))
                .as("nothing of the refused commit was written")
                .singleElement()
                .satisfies(loaded -> assertThat(loaded.state()).isEqualTo(written(1, "first")));

        store.writer().commit(List.of(m("t", "fenced", written(2, "second"))), unmirrored(three), one);
        assertThat(store.writer().appliedOffsets(one.asMap().keySet())).isEqualTo(unmirrored(three));
        assertThat(store.writer().load(List.of("t"), List.of("fenced")))
                .singleElement()
                .satisfies(loaded -> assertThat(loaded.state()).isEqualTo(written(2, "second")));
    }

    @Test
    void aMirroredCopyIsFencedByItsReadOffsetsWhileEveryReaderSeesTheOriginsOffsets() {
        store.database().truncate();
        EventPartition mirrored = new EventPartition("kv-events.eu-west", 1);
        AppliedPositions first =
                new AppliedPositions(LogPositions.of(Map.of(mirrored, 10L)), LogPositions.of(Map.of(mirrored, 7L)));
        store.writer().commit(List.of(m("t", "m", written(1, "first"))), first, LogPositions.empty());
        assertThat(store.writer().appliedOffsets(List.of(mirrored))).isEqualTo(first);
        assertThat(store.reader().appliedPositions().block(TIMEOUT)).isEqualTo(first.origin());

        // A batch of records the mirror sent again (or that lack an origin offset) moves only the read offsets.
        AppliedPositions repeats =
                new AppliedPositions(LogPositions.of(Map.of(mirrored, 14L)), LogPositions.of(Map.of(mirrored, 5L)));
        assertThatThrownBy(() -> store.writer().commit(List.of(), repeats, first.origin()))
                .as("fenced by the read offsets, not the origin's")
                .isInstanceOf(AppliedOffsetsMovedException.class);
        store.writer().commit(List.of(), repeats, first.read());
        assertThat(store.writer().appliedOffsets(List.of(mirrored)))
                .isEqualTo(new AppliedPositions(repeats.read(), first.origin()));
        assertThat(store.reader().appliedPositions().block(TIMEOUT)).isEqualTo(first.origin());
    }

    @Test
    void concurrentWriteBaseLookupsAnswerEachKeyFromPostgresIncludingRowsWrittenBeforeTheContextColumn()
            throws Exception {
        store.database().truncate();
        List<MaterializedState> states = new ArrayList<>();
        for (int i = 0; i < 300; i += 2) {
            states.add(m("t", "base-" + i, written(1 + i % 3, "v" + i)));
        }
        store.writer().write(states, LogPositions.empty());
        try (var c = store.database().dataSource().getConnection();
                var st = c.createStatement()) {
            st.execute("UPDATE kv_state SET context = NULL, newest_timestamp = NULL WHERE key = 'base-0'");
        }

        List<WriteBase> bases = Flux.range(0, 300)
                .flatMap(i -> store.writeBase("t", "base-" + i).map(base -> Map.entry(i, base)), 300)
                .collectSortedList(Map.Entry.comparingByKey())
                .block(TIMEOUT)
                .stream()
                .map(Map.Entry::getValue)
                .toList();

        for (int i = 0; i < 300; i++) {
            WriteBase expected = i % 2 == 0 ? WriteBase.of(written(1 + i % 3, "v" + i)) : WriteBase.none();
            assertThat(bases.get(i)).as("base-" + i).isEqualTo(expected);
        }
        assertThat(bases.get(0).present()).isTrue();
    }

    @Test
    void concurrentReadsAsOfAnswerEachKeyWithWhatTheRegionHadAppliedOfItsPartitions() {
        store.database().truncate();
        List<MaterializedState> states = new ArrayList<>();
        for (int i = 0; i < 300; i += 2) {
            states.add(m("t", "asof-" + i, written(1 + i % 3, "v" + i)));
        }
        store.writer().write(states, covering("kv-events.a", 0, 5, "kv-events.a", 1, 8, "kv-events.b", 1, 2));
        List<EventPartition> evenPartitions = List.of(new EventPartition("kv-events.a", 0));
        List<EventPartition> oddPartitions =
                List.of(new EventPartition("kv-events.a", 1), new EventPartition("kv-events.b", 1));

        Map<Integer, StateReader.StateAsOf> found = Flux.range(0, 300)
                .flatMap(
                        i -> store.readAsOf("t", "asof-" + i, i % 4 == 0 ? evenPartitions : oddPartitions)
                                .map(asOf -> Map.entry(i, asOf)),
                        300)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block(TIMEOUT);

        assertThat(found).as("only the keys with a row").hasSize(150);
        for (int i = 0; i < 300; i += 2) {
            StateReader.StateAsOf asOf = found.get(i);
            assertThat(asOf.state()).as("asof-" + i).isEqualTo(written(1 + i % 3, "v" + i));
            assertThat(asOf.applied())
                    .as("asof-" + i)
                    .isEqualTo(
                            i % 4 == 0
                                    ? covering("kv-events.a", 0, 5)
                                    : covering("kv-events.a", 1, 8, "kv-events.b", 1, 2));
        }
    }

    @Test
    void openingFailsNamingTheRegionWhenPostgresIsUnreachable() {
        RegionProperties dead = TestStates.withDeadPostgres(TestStates.region("lost", 12));

        assertThatThrownBy(() -> RegionStore.open(dead))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("region lost");
    }

    @Test
    void opensEveryConfiguredRegion() {
        RegionsProperties props = new RegionsProperties(
                List.of(RegionProperties.named("stores-a"), RegionProperties.named("stores-b")), TestStates.PREFIX, 10);

        try (RegionStores stores = RegionStores.open(props)) {
            assertThat(stores.names()).containsExactly("stores-a", "stores-b");
            assertThat(stores.get("stores-b").name()).isEqualTo("stores-b");
            assertThat(stores.get("stores-b").properties().postgres().database())
                    .isEqualTo("geokv_storetest_stores_b");
            StepVerifier.create(stores.get("stores-a").reader().ping()).verifyComplete();
            assertThatThrownBy(() -> stores.get("mars"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown region 'mars'; valid regions: stores-a, stores-b");
        }
    }
}
