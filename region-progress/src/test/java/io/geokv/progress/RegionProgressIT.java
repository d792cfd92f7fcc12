package io.geokv.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.testing.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Region progress against real PostgreSQL databases: waits complete from the regions' commit
 * notifications (the safety-net refresh is set to an hour here, so nothing else could complete
 * them), a region that cannot be asked never counts as having applied anything, and it counts again
 * once it answers.
 */
class RegionProgressIT {

    /** Where region-store's tests keep their databases and Redis databases; these regions are this test's own. */
    private static final String DATABASE_PREFIX = "geokv_storetest_";

    private static final int REDIS_FIRST_DATABASE = 10;
    private static final String TOPIC = "kv-events.us-east";
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TcpProxy proxyToB;
    private RegionStores stores;
    private RegionProgress progress;

    @BeforeEach
    void open() throws IOException {
        RegionsProperties direct = new RegionsProperties(
                List.of(RegionProperties.named("progress-a"), RegionProperties.named("progress-b")),
                DATABASE_PREFIX,
                REDIS_FIRST_DATABASE);
        RegionProperties b = direct.region("progress-b");
        proxyToB = new TcpProxy(b.postgres().port());
        RegionProperties.Postgres pg = b.postgres();
        RegionProperties bThroughProxy = new RegionProperties(
                b.name(),
                new RegionProperties.Postgres(
                        pg.host(), proxyToB.port(), pg.database(), pg.username(), pg.password(), pg.maxPoolSize()),
                b.redis());
        stores = RegionStores.open(new RegionsProperties(
                List.of(direct.region("progress-a"), bThroughProxy), DATABASE_PREFIX, REDIS_FIRST_DATABASE));
        stores.all().forEach(store -> store.database().truncate());
        progress = new RegionProgress(
                stores, new ProgressProperties(HOUR, Duration.ofMillis(100), Duration.ofSeconds(2), HOUR));
        progress.start();
        await().atMost(WAIT)
                .until(() -> progress.applied("progress-a").isPresent()
                        && progress.applied("progress-b").isPresent());
    }

    @AfterEach
    void close() throws IOException {
        progress.close();
        stores.close();
        proxyToB.close();
    }

    @Test
    void aHundredWaitersCompleteFromOneCommitOfTheRegion() {
        LogPositions target = upTo(0, 5);
        List<Mono<Boolean>> waits = IntStream.range(0, 100)
                .mapToObj(i -> progress.awaitApplied("progress-a", target, WAIT).cache())
                .toList();
        waits.forEach(Mono::subscribe);
        assertThat(progress.hasApplied("progress-a", target)).isFalse();

        stores.get("progress-a").writer().write(List.of(), upTo(0, 5));

        assertThat(Flux.merge(waits).collectList().block(WAIT)).hasSize(100).containsOnly(true);
        assertThat(progress.applied("progress-a")).contains(target);
    }

    @Test
    void theFirstRegionToApplyIsTakenInPreferenceOrderAndAWaitThatTimesOutSaysWhoDid() {
        LogPositions target = upTo(1, 3);
        stores.get("progress-b").writer().write(List.of(), target);

        assertThat(progress.firstToApply(List.of("progress-a", "progress-b"), target, WAIT)
                        .block(WAIT))
                .isEqualTo("progress-b");
        assertThat(progress.awaitAll(List.of("progress-a", "progress-b"), target, Duration.ofMillis(300))
                        .block(WAIT))
                .as("only b has applied when the wait ends")
                .containsExactly("progress-b");

        stores.get("progress-a").writer().write(List.of(), target);
        await().atMost(WAIT).until(() -> progress.hasApplied("progress-a", target));
        assertThat(progress.firstToApply(List.of("progress-a", "progress-b"), target, WAIT)
                        .block(WAIT))
                .isEqualTo("progress-a");
        assertThat(progress.firstToApply(List.of("progress-a"), upTo(1, 4), Duration.ofMillis(200))
                        .blockOptional(WAIT))
                .isEmpty();
    }

    @Test
    void aRegionThatCannotBeAskedHasAppliedNothingUntilItAnswersAgain() throws IOException {
        LogPositions target = upTo(2, 1);
        stores.get("progress-b").writer().write(List.of(), target);
        await().atMost(WAIT).until(() -> progress.hasApplied("progress-b", target));

        proxyToB.cut();
        // Only a read can find out: the one the listening connection's loss brings about.
        await().atMost(WAIT).until(() -> progress.applied("progress-b").isEmpty());
        assertThat(progress.firstToApply(List.of("progress-b"), target, Duration.ofMillis(300))
                        .blockOptional(WAIT))
                .isEmpty();

        proxyToB.restore();
        assertThat(progress.awaitApplied("progress-b", target, WAIT).block(WAIT))
                .isTrue();
    }

    @Test
    void aTruncatedRegionHasAppliedNothingAgain() {
        LogPositions target = upTo(0, 2);
        stores.get("progress-a").writer().write(List.of(), target);
        await().atMost(WAIT).until(() -> progress.hasApplied("progress-a", target));

        stores.get("progress-a").database().truncate();

        await().atMost(WAIT).until(() -> progress.applied("progress-a").equals(Optional.of(LogPositions.empty())));
    }

    /** Positions covering partition {@code partition} of {@link #TOPIC} up to {@code next} (exclusive). */
    private static LogPositions upTo(int partition, long next) {
        return LogPositions.empty().with(new EventPartition(TOPIC, partition), next);
    }
}
