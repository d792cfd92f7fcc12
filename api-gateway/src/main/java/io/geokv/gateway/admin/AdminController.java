package io.geokv.gateway.admin;

import io.geokv.gateway.health.Check;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.naming.GeokvNames;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.ReplicationLag;
import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionsProperties;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Operator endpoints: compare regions, watch replication lag, see the topology. */
@RestController
@RequestMapping("/admin")
class AdminController {

    private final RegionStores stores;
    private final RegionsProperties regions;
    private final HealthTracker health;
    private final RegionProgress progress;

    AdminController(RegionStores stores, RegionsProperties regions, HealthTracker health, RegionProgress progress) {
        this.stores = stores;
        this.regions = regions;
        this.health = health;
        this.progress = progress;
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

    /** Each region's record count and digest: equal digests mean equal merged states. */
    @GetMapping("/digest")
    Mono<List<RegionDigestView>> digest() {
        return Flux.fromIterable(stores.names())
                .flatMapSequential(name -> stores.get(name)
                        .reader()
                        .digest()
                        .map(d -> new RegionDigestView(name, d.records(), d.liveRecords(), d.sha256())))
                .collectList();
    }

    @GetMapping("/replication-lag")
    List<ReplicationLag> replicationLag() {
        return progress.lag();
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
