package io.geokv.gateway.regions;

import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;

/**
 * A quick look at whether each region's stores answer. A first cut: PostgreSQL must answer for the
 * region to count as healthy; Redis is reported but only degrades it.
 */
public final class RegionHealth {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final RegionStores stores;

    public RegionHealth(RegionStores stores) {
        this.stores = stores;
    }

    public record Status(String region, boolean healthy, boolean postgres, boolean redis) {}

    public Mono<List<Status>> check() {
        return Flux.fromIterable(stores.names())
                .flatMapSequential(name -> check(stores.get(name)))
                .collectList();
    }

    private Mono<Status> check(RegionStore store) {
        Mono<Boolean> postgres = answers(store.reader().ping());
        Mono<Boolean> redis = answers(store.cache().ping());
        return Mono.zip(postgres, redis).map(both -> new Status(store.name(), both.getT1(), both.getT1(), both.getT2()));
    }

    private static Mono<Boolean> answers(Mono<?> ping) {
        return ping.timeout(CHECK_TIMEOUT).then(Mono.just(true)).onErrorReturn(false);
    }
}
