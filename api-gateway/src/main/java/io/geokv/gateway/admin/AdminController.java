package io.geokv.gateway.admin;

import io.geokv.digest.BucketDigests;
import io.geokv.gateway.health.Check;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.naming.GeokvNames;
import io.geokv.position.LogPositions;
import io.geokv.progress.LostRegionSalvage;
import io.geokv.progress.RecoveryPoint;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.ReplicationLag;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionsProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Operator endpoints: compare regions, watch replication lag, see the topology. */
@RestController
@RequestMapping("/admin")
class AdminController {

    private final RegionStores stores;
    private final RegionsProperties regions;
    private final HealthTracker health;
    private final RegionProgress progress;
    private final AntiEntropy antiEntropy;
    private final LostRegionSalvage salvage;
    private final Residency residency;

    AdminController(
            RegionStores stores,
            RegionsProperties regions,
            HealthTracker health,
            RegionProgress progress,
            LostRegionSalvage salvage,
            Residency residency) {
        this.stores = stores;
        this.residency = residency;
        this.regions = regions;
        this.health = health;
        this.progress = progress;
        this.antiEntropy = new AntiEntropy(stores, residency);
        this.salvage = salvage;
    }

    record RegionDigestView(String region, long records, long liveRecords, String digest) {}

    record RegionView(
            String region,
            String topic,
            String database,
            String status,
            boolean healthy,
            boolean postgres,
            boolean redis) {}

    /**
     * Each region's record count and digest: equal digests mean equal merged states. They cover the
     * tenants every region holds; with {@code tenant}, that tenant's keys in the regions that hold it
     * (all of them, or a resident tenant's allowed regions).
     */
    @GetMapping("/digest")
    Mono<List<RegionDigestView>> digest(@RequestParam(required = false) String tenant) {
        List<String> compared = tenant == null ? stores.names() : residency.holdersAmong(stores.names(), tenant);
        Predicate<String> tenants = tenant == null ? t -> residency.heldByAll(compared, t) : t -> t.equals(tenant);
        return Flux.fromIterable(compared)
                .flatMapSequential(name -> stores.get(name)
                        .reader()
                        .digest(tenants)
                        .map(d -> new RegionDigestView(name, d.records(), d.liveRecords(), d.sha256())))
                .collectList();
    }

    record BucketsView(String region, Map<String, Long> applied, List<BucketDigests.Bucket> buckets) {}

    /** A key two regions hold differently: each region's state hash (SHA-256 of its stored state), null where it holds no row. */
    record KeyDifferenceView(String tenant, String key, int bucket, Map<String, String> states) {}

    record DivergenceView(
            List<String> regions,
            List<Integer> buckets,
            List<KeyDifferenceView> keys,
            Map<String, Map<String, Long>> applied) {}

    /** Each region's digest per bucket of keys ({@link io.geokv.digest.KeyBuckets}), with what it had applied. */
    @GetMapping("/digest/buckets")
    Mono<List<BucketsView>> bucketDigests() {
        return Flux.fromIterable(stores.names())
                .flatMapSequential(name ->
                        antiEntropy.buckets(name).map(b -> new BucketsView(name, positions(b.applied()), b.buckets())))
                .collectList();
    }

    /**
     * Where two regions differ: the buckets whose digests differ and, in them, every key the regions
     * hold differently, with what each had applied when it was read.
     */
    @GetMapping("/divergence")
    Mono<DivergenceView> divergence(@RequestParam List<String> regions) {
        if (regions.size() != 2 || regions.get(0).equals(regions.get(1))) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "give two regions to compare, e.g. ?regions=us-east,eu-west");
        }
        for (String region : regions) {
            if (!stores.names().contains(region)) {
                throw new ResponseStatusException(
                        HttpStatus.BAD_REQUEST,
                        RegionsProperties.unknownRegion(region, stores.names()).getMessage());
            }
        }
        String first = regions.get(0);
        String second = regions.get(1);
        return antiEntropy.compare(first, second).map(c -> {
            Map<String, Map<String, Long>> applied = new LinkedHashMap<>();
            applied.put(first, positions(c.firstApplied()));
            applied.put(second, positions(c.secondApplied()));
            return new DivergenceView(
                    List.of(first, second),
                    c.buckets(),
                    c.keys().stream()
                            .map(k -> {
                                Map<String, String> states = new LinkedHashMap<>();
                                states.put(first, k.first());
                                states.put(second, k.second());
                                return new KeyDifferenceView(k.tenant(), k.key(), k.bucket(), states);
                            })
                            .toList(),
                    applied);
        });
    }

    private static Map<String, Long> positions(LogPositions positions) {
        Map<String, Long> byPartition = new LinkedHashMap<>();
        positions.asMap().forEach((partition, next) -> byPartition.put(partition.toString(), next));
        return byPartition;
    }

    @GetMapping("/replication-lag")
    List<ReplicationLag> replicationLag() {
        return progress.lag();
    }

    @GetMapping("/recovery-points")
    List<RecoveryPoint> recoveryPoints() {
        return progress.recoveryPoints();
    }

    /**
     * After {@code region}'s cluster is lost for good, gives every surviving region's cluster the events of
     * {@code region} any survivor holds. 400 in the single topology or for an unknown region, 409 while its
     * cluster still answers, 503 when a survivor's cluster cannot be read or written (a salvage can be
     * asked for again: what a survivor already has is skipped there).
     */
    @PostMapping("/regions/{region}/salvage")
    Mono<LostRegionSalvage.Salvaged> salvage(@PathVariable String region) {
        return Mono.fromCallable(() -> salvage.salvage(region))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(
                        IllegalArgumentException.class,
                        e -> new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage()))
                .onErrorMap(
                        LostRegionSalvage.StillReachable.class,
                        e -> new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage()))
                .onErrorMap(
                        e -> !(e instanceof ResponseStatusException),
                        e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    @GetMapping("/regions")
    List<RegionView> regions() {
        return health.regions().stream()
                .map(region -> new RegionView(
                        region,
                        GeokvNames.eventTopic(region),
                        regions.region(region).postgres().database(),
                        health.status(region).wire(),
                        health.serving(region),
                        health.healthy(region, Check.POSTGRES),
                        health.healthy(region, Check.REDIS)))
                .toList();
    }
}
