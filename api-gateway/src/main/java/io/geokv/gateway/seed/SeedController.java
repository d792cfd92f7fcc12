package io.geokv.gateway.seed;

import io.geokv.access.Caller;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.Resolution;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.kv.http.KvRequests;
import io.geokv.gateway.kv.read.KvReads;
import io.geokv.gateway.kv.write.KvWrites;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.gateway.web.MediaHeaders;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.gateway.web.RequestRouting.Routed;
import io.geokv.store.RegionStores;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seed-compatible API (docs/product.md, 'HTTP API'), answering with exactly its JSON shapes; region
 * names are shown upper-case there.
 */
@RestController
class SeedController {

    private final KvWrites writes;
    private final KvReads reads;
    private final KvRequests requests;
    private final long maxValueBytes;
    private final RequestRouting routing;
    private final RegionStores stores;
    private final HealthTracker health;

    SeedController(
            KvWrites writes,
            KvReads reads,
            KvRequests requests,
            KeyLimits limits,
            RequestRouting routing,
            RegionStores stores,
            HealthTracker health) {
        this.writes = writes;
        this.reads = reads;
        this.requests = requests;
        this.maxValueBytes = limits.maxValueBytes();
        this.routing = routing;
        this.stores = stores;
        this.health = health;
    }

    /** @param ttl how long the value lives, in seconds (a number or text), as {@code ?ttl=} of {@code PUT /kv} */
    record SeedWrite(String key, String value, Object ttl) {}

    record WriteResponse(String primaryRegion, List<String> replicatedTo) {}

    record ReadResponse(String value, String region, String source, long latencyMs) {}

    record RegionStats(String region, long totalRecords, boolean healthy) {}

    record StatsResponse(List<RegionStats> regions, long healthyRegions, boolean replicationEnabled) {}

    @PostMapping(path = "/write", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<WriteResponse> write(
            @RequestBody SeedWrite request,
            ServerHttpRequest http,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        if (request == null || request.key() == null || request.value() == null) {
            throw Problems.badRequest(
                    "invalid-request", "body must be a JSON object with string fields \"key\" and \"value\"");
        }
        MediaHeaders.accept(http);
        Routed route = routing.route(http, region, caller);
        byte[] value = request.value().getBytes(StandardCharsets.UTF_8);
        if (value.length > maxValueBytes) {
            throw Problems.tooLarge("value is larger than the limit of " + maxValueBytes + " bytes");
        }
        return writes.write(WriteRequest.blind(
                        route.region(),
                        requests.key(caller.tenant(), request.key()),
                        value,
                        MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8",
                        KvRequests.ttl(request.ttl())))
                .map(result -> new WriteResponse(
                        upper(route.region()),
                        routing.router().replicasBesides(route.region(), caller.tenant()).stream()
                                .map(SeedController::upper)
                                .toList()));
    }

    @GetMapping("/read/{*key}")
    Mono<ReadResponse> read(
            @PathVariable String key,
            ServerHttpRequest http,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        MediaHeaders.accept(http);
        Routed route = routing.route(http, region, caller);
        long started = System.nanoTime();
        KeyRef ref = requests.fromPath(caller.tenant(), key);
        return reads.read(ReadRequest.eventual(route.region(), ref, caller.grant()))
                .map(result -> {
                    if (!(result.resolution() instanceof Resolution.Value value)) {
                        String plainKey = ref.key();
                        throw Problems.problem(
                                HttpStatus.MULTIPLE_CHOICES,
                                "siblings",
                                "key '" + plainKey + "' has concurrent values; GET /kv/" + plainKey + " lists them");
                    }
                    return new ReadResponse(
                            new String(value.value(), StandardCharsets.UTF_8),
                            upper(route.region()),
                            result.source().wire(),
                            (System.nanoTime() - started) / 1_000_000);
                });
    }

    @GetMapping("/stats")
    Mono<StatsResponse> stats() {
        return Flux.fromIterable(health.regions())
                .flatMapSequential(region -> stores.get(region)
                        .reader()
                        .countLive()
                        .onErrorReturn(0L)
                        .map(count -> new RegionStats(upper(region), count, health.serving(region))))
                .collectList()
                .map(regions -> new StatsResponse(
                        regions, regions.stream().filter(RegionStats::healthy).count(), true));
    }

    private static String upper(String region) {
        return region.toUpperCase(Locale.ROOT);
    }
}
