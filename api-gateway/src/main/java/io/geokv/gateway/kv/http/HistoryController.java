package io.geokv.gateway.kv.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.geokv.access.Caller;
import io.geokv.gateway.history.KeyLog;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.gateway.web.MediaHeaders;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.gateway.web.RequestRouting.Routed;
import io.geokv.gateway.web.WriteView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /history/{key}}: every version of a key the log holds, oldest first, each with the write
 * that made it and the key's context once it was applied ({@link KeyLog#timeline}).
 */
@RestController
class HistoryController {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KeyLog log;
    private final KvRequests requests;
    private final RequestRouting routing;
    private final ClientTokens tokens;

    HistoryController(KeyLog log, KvRequests requests, RequestRouting routing, ClientTokens tokens) {
        this.log = log;
        this.requests = requests;
        this.routing = routing;
        this.tokens = tokens;
    }

    /**
     * One version: the write that made it, when it was appended to its origin's log, and {@code
     * context}, the key's context once it was applied, which a write may carry to supersede it.
     */
    record VersionView(@JsonUnwrapped WriteView write, Instant appendedAt, String context, int siblings) {}

    record HistoryResponse(String key, String region, List<VersionView> versions) {}

    @GetMapping("/history/{*key}")
    Mono<HistoryResponse> history(
            @PathVariable String key,
            ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        MediaHeaders.accept(request);
        Routed routed = routing.route(request, region, caller);
        KeyRef ref = requests.fromPath(caller.tenant(), key);
        return Mono.fromCallable(() -> log.timeline(routed.region(), ref.tenant(), ref.key()))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(TIMEOUT)
                .onErrorMap(e -> Problems.unavailable(
                        "log-unavailable",
                        "the log of key '" + ref.key() + "' could not be read in " + routed.region() + ": " + e))
                .map(versions -> new HistoryResponse(
                        ref.key(),
                        routed.region(),
                        versions.stream().map(version -> view(ref, version)).toList()));
    }

    private VersionView view(KeyRef key, KeyLog.Version version) {
        return new VersionView(
                WriteView.of(version.write().event()),
                version.write().appendedAt(),
                tokens.context(version.state().context(), key.tenant(), key.key()),
                version.state().siblings().size());
    }
}
