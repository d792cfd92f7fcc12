package io.geokv.gateway.health.checks;

import io.geokv.gateway.health.Check;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.naming.GeokvNames;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.ReplicationLag;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.topics.RegionClusters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks every region on an interval and feeds the {@link HealthTracker}: a PostgreSQL query, a
 * Redis ping, live members in the consumer group of the region's Streams application, and its
 * replication lag under a threshold. When Kafka itself cannot be asked, the Streams and lag checks
 * of that round are skipped rather than failed: a broker outage must not take reads down.
 */
public final class RegionHealthMonitor implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegionHealthMonitor.class);

    /** How the checks run. */
    /** @param clusterPerRegion whether each region has a Kafka cluster of its own, checked as {@link Check#KAFKA} */
    public record Settings(Duration interval, Duration timeout, Duration lagThreshold, boolean clusterPerRegion) {}

    private final RegionStores stores;
    private final RegionClusters.PerCluster<Admin> admins;
    private final RegionProgress progress;
    private final HealthTracker tracker;
    private final Settings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private volatile Disposable running;

    public RegionHealthMonitor(
            RegionStores stores,
            RegionClusters.PerCluster<Admin> admins,
            RegionProgress progress,
            HealthTracker tracker,
            Settings settings,
            Clock clock,
            MeterRegistry meters) {
        this.stores = stores;
        this.admins = admins;
        this.progress = progress;
        this.tracker = tracker;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        for (String region : tracker.regions()) {
            Gauge.builder(
                            "geokv.region.status",
                            () -> 2 - tracker.status(region).ordinal())
                    .tags("region", region)
                    .description("2 healthy, 1 degraded (no cache), 0 unhealthy (requests fail over)")
                    .register(meters);
        }
    }

    /** Checks every region each interval, from the context's start until its stop. */
    @Override
    public synchronized void start() {
        if (running != null) {
            return;
        }
        running = Flux.interval(Duration.ZERO, settings.interval())
                .onBackpressureDrop()
                .concatMap(
                        tick -> checkAll().onErrorResume(e -> {
                            log.warn("region health round failed: {}", e.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
    }

    /** One round of every check of every region. */
    private Mono<Void> checkAll() {
        return liveStreamsGroups()
                .flatMapMany(
                        groups -> Flux.fromIterable(tracker.regions()).flatMap(region -> checkRegion(region, groups)))
                .then();
    }

    /**
     * @param groups the Streams consumer group of every region whose Kafka cluster answered this round
     *     (null where the group has no description); a region whose cluster did not answer is absent,
     *     and its Streams and lag checks are skipped rather than failed
     */
    private Mono<Void> checkRegion(String region, Map<String, Optional<ConsumerGroupDescription>> groups) {
        RegionStore store = stores.get(region);
        Mono<Void> postgres = probe(region, Check.POSTGRES, store.reader().ping());
        Mono<Void> redis = probe(region, Check.REDIS, store.cache().ping().then());
        Mono<Void> kafka = settings.clusterPerRegion()
                ? probe(
                        region,
                        Check.KAFKA,
                        Mono.fromCompletionStage(() -> admins.of(region)
                                        .describeCluster()
                                        .clusterId()
                                        .toCompletionStage())
                                .then())
                : Mono.empty();
        Optional<ConsumerGroupDescription> described = groups.get(region);
        Mono<Void> streams = Mono.fromRunnable(() -> {
            if (described != null) {
                boolean live = described.map(g -> !g.members().isEmpty()).orElse(false);
                record(
                        region,
                        Check.STREAMS,
                        live,
                        live
                                ? null
                                : "Streams application " + GeokvNames.streamsApplicationId(region)
                                        + " has no live member");
            }
        });
        Mono<Void> lagging = Mono.fromRunnable(() -> {
            if (described != null) {
                checkLag(region);
            }
        });
        return Mono.when(postgres, redis, kafka, streams, lagging);
    }

    private void checkLag(String region) {
        Optional<ReplicationLag> worst = progress.lag().stream()
                .filter(l -> l.region().equals(region))
                .max((a, b) -> Double.compare(a.lagSeconds(), b.lagSeconds()));
        boolean ok = worst.map(l -> l.lagSeconds() <= settings.lagThreshold().toSeconds())
                .orElse(true);
        record(
                region,
                Check.LAG,
                ok,
                ok
                        ? null
                        : String.format(
                                "%.1f s behind %s (threshold %d s)",
                                worst.get().lagSeconds(),
                                worst.get().origin(),
                                settings.lagThreshold().toSeconds()));
    }

    private Mono<Void> probe(String region, Check check, Mono<Void> ping) {
        return ping.timeout(settings.timeout())
                .then(Mono.fromRunnable(() -> record(region, check, true, null)))
                .onErrorResume(e -> Mono.fromRunnable(() -> record(region, check, false, describe(e))))
                .then();
    }

    /**
     * Every region's Streams consumer group, each asked of its region's cluster, by region; a region
     * whose cluster cannot be asked this round is left out.
     */
    private Mono<Map<String, Optional<ConsumerGroupDescription>>> liveStreamsGroups() {
        return Flux.fromIterable(admins.regionsByClient().entrySet())
                .flatMap(cluster -> describeGroups(cluster.getKey(), cluster.getValue()))
                .reduce(new HashMap<String, Optional<ConsumerGroupDescription>>(), (all, some) -> {
                    all.putAll(some);
                    return all;
                })
                .map(all -> (Map<String, Optional<ConsumerGroupDescription>>) all);
    }

    private Mono<Map<String, Optional<ConsumerGroupDescription>>> describeGroups(Admin admin, List<String> regions) {
        List<String> groups =
                regions.stream().map(GeokvNames::streamsApplicationId).toList();
        return Mono.fromCompletionStage(
                        () -> admin.describeConsumerGroups(groups).all().toCompletionStage())
                .timeout(settings.timeout())
                .map(described -> {
                    Map<String, Optional<ConsumerGroupDescription>> byRegion = new HashMap<>();
                    regions.forEach(region -> byRegion.put(
                            region, Optional.ofNullable(described.get(GeokvNames.streamsApplicationId(region)))));
                    return byRegion;
                })
                .onErrorResume(e -> {
                    log.debug(
                            "cannot describe the Streams consumer groups of {} this round: {}", regions, e.toString());
                    return Mono.just(Map.of());
                });
    }

    private void record(String region, Check check, boolean succeeded, String error) {
        tracker.record(region, check, succeeded, error, clock.instant()).ifPresent(t -> {
            Counter.builder("geokv.region.health.transitions")
                    .tags("region", region, "check", check.wire(), "to", t.healthy() ? "healthy" : "unhealthy")
                    .description("checks that changed state")
                    .register(meters)
                    .increment();
            if (t.healthy()) {
                log.info(
                        "region {}: {} check healthy again; region is {}",
                        region,
                        check.wire(),
                        t.status().wire());
            } else {
                log.warn(
                        "region {}: {} check failed {} times in a row ({}); region is {}",
                        region,
                        check.wire(),
                        tracker.checks(region).get(check).consecutiveFailures(),
                        t.error(),
                        t.status().wire());
            }
        });
    }

    private static String describe(Throwable e) {
        if (e instanceof TimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public synchronized void stop() {
        Disposable subscription = running;
        if (subscription != null) {
            subscription.dispose();
            running = null;
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
}
