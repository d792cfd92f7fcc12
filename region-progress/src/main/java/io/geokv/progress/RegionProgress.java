package io.geokv.progress;

import io.geokv.position.LogPositions;
import io.geokv.store.RegionStores;
import io.geokv.topics.RegionClusters;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How far each region has applied the event log: the one answer to "has region R applied these
 * positions", "which region applies them first" and "how far behind is R".
 *
 * <p>A region has applied a position once its PostgreSQL's {@code applied_offsets} (written in the
 * same transaction as the rows they cover) reach it: from then on it serves the effect. Each
 * region's applied positions are a hot feed ({@link AppliedFeed}): read once after each commit of
 * its sink (PostgreSQL notifies), and every refresh interval in case a notification was missed or
 * the listening connection is down. Waiters are completed from the feeds as they move; no waiting
 * request asks PostgreSQL itself, so a strong write costs no query per region however long it waits.
 */
public final class RegionProgress implements SmartLifecycle, AutoCloseable {

    private final Map<String, AppliedFeed> feeds = new LinkedHashMap<>();
    private final ProgressProperties settings;
    private final Set<Waiter<?>> waiters = ConcurrentHashMap.newKeySet();
    private Disposable.Composite running;
    private volatile ReplicationLagSampler lag;

    public RegionProgress(RegionStores stores, ProgressProperties settings) {
        this.settings = settings;
        for (String region : stores.names()) {
            feeds.put(
                    region,
                    new AppliedFeed(region, stores.get(region).reader(), settings.readTimeout(), this::wakeWaiters));
        }
    }

    /** Follows every region (and measures lag, if {@link #measureLag} was called before). */
    @Override
    public synchronized void start() {
        if (running != null) {
            return;
        }
        running = Disposables.composite();
        feeds.values().forEach(feed -> running.add(feed.follow(settings.listenBackoff())));
        running.add(Flux.interval(Duration.ZERO, settings.refreshInterval())
                .subscribe(tick -> feeds.values().forEach(AppliedFeed::refresh)));
        ReplicationLagSampler sampler = lag;
        if (sampler != null) {
            sampler.start(settings.lagInterval());
        }
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
            running = null;
        }
        ReplicationLagSampler sampler = lag;
        if (sampler != null) {
            sampler.close();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Also measures replication lag every lag interval once started, on a thread of its own (Kafka's
     * consumer blocks); {@link #lag()} then answers from the latest measurement. Call before {@link #start}.
     *
     * @param clusters which cluster holds each region's log
     * @param admins an admin client of each region's cluster
     * @param peekers a consumer without a group of each region's cluster, to read the timestamp of the
     *     oldest event behind; closed with this
     * @param acknowledged the events this process saw acknowledged: they count in a lost origin's
     *     {@link #recoveryPoints()} even if its cluster never reported them
     */
    public void measureLag(
            RegionClusters clusters,
            RegionClusters.PerCluster<Admin> admins,
            RegionClusters.PerCluster<Consumer<byte[], byte[]>> peekers,
            Clock clock,
            AcknowledgedWrites acknowledged) {
        lag = new ReplicationLagSampler(
                List.copyOf(feeds.keySet()), clusters, admins, peekers, clock, this::applied, acknowledged);
    }

    public List<String> regions() {
        return List.copyOf(feeds.keySet());
    }

    /** What {@code region} had applied at its latest read; empty when it cannot be asked. */
    public Optional<LogPositions> applied(String region) {
        return feed(region).applied();
    }

    /** Whether {@code region} has applied {@code positions} (false when it cannot be asked). */
    public boolean hasApplied(String region, LogPositions positions) {
        return applied(region).map(positions::coveredBy).orElse(false);
    }

    /**
     * The first region of {@code preference} that has applied {@code positions}; empty when none
     * has within {@code wait}.
     */
    public Mono<String> firstToApply(List<String> preference, LogPositions positions, Duration wait) {
        return await(
                () -> preference.stream()
                        .filter(region -> hasApplied(region, positions))
                        .findFirst(),
                wait,
                Optional::empty);
    }

    /** Completes with true once {@code region} has applied {@code positions}, false if it has not within {@code timeout}. */
    public Mono<Boolean> awaitApplied(String region, LogPositions positions, Duration timeout) {
        return awaitAll(List.of(region), positions, timeout).map(applied -> !applied.isEmpty());
    }

    /**
     * Waits until every region of {@code regions} has applied {@code positions}, at most {@code
     * timeout}; emits the regions that have, in the order given (all of them unless the wait timed out).
     */
    public Mono<List<String>> awaitAll(List<String> regions, LogPositions positions, Duration timeout) {
        return Mono.defer(() -> {
            Set<String> done = ConcurrentHashMap.newKeySet();
            Supplier<List<String>> inOrder =
                    () -> regions.stream().filter(done::contains).toList();
            return await(
                    () -> {
                        regions.stream()
                                .filter(region -> hasApplied(region, positions))
                                .forEach(done::add);
                        return done.size() == regions.size() ? Optional.of(inOrder.get()) : Optional.empty();
                    },
                    timeout,
                    () -> Optional.of(inOrder.get()));
        });
    }

    /** For each region and origin, how far behind it is, at the latest measurement (none before the first). */
    public List<ReplicationLag> lag() {
        ReplicationLagSampler sampler = lag;
        return sampler == null ? ReplicationLag.noneFor(regions()) : sampler.latest();
    }

    /** What losing each region's cluster costs (or cost), at the latest measurement; none in the single topology. */
    public List<RecoveryPoint> recoveryPoints() {
        ReplicationLagSampler sampler = lag;
        return sampler == null ? List.of() : sampler.recoveryPoints();
    }

    /** How far {@code region} is behind {@code origin}'s topic, at the latest measurement. */
    public ReplicationLag lag(String region, String origin) {
        return ReplicationLag.of(lag(), region, origin);
    }

    private AppliedFeed feed(String region) {
        AppliedFeed feed = feeds.get(region);
        if (feed == null) {
            throw new IllegalArgumentException("unknown region '" + region + "'");
        }
        return feed;
    }

    /** Registers before the first check, so a feed that moves in between wakes it: no move is missed. */
    private <T> Mono<T> await(Supplier<Optional<T>> check, Duration wait, Supplier<Optional<T>> onTimeout) {
        return Mono.defer(() -> {
            Waiter<T> waiter = new Waiter<>(check);
            waiters.add(waiter);
            waiter.check();
            return waiter.result
                    .asMono()
                    .timeout(wait, Mono.defer(() -> Mono.justOrEmpty(onTimeout.get())))
                    .doFinally(signal -> waiters.remove(waiter));
        });
    }

    private void wakeWaiters() {
        waiters.forEach(Waiter::check);
    }

    private static final class Waiter<T> {
        private final Supplier<Optional<T>> check;
        private final Sinks.One<T> result = Sinks.one();

        Waiter(Supplier<Optional<T>> check) {
            this.check = check;
        }

        void check() {
            check.get().ifPresent(value -> result.tryEmitValue(value));
        }
    }
}
