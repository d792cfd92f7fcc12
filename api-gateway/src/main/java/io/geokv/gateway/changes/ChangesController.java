package io.geokv.gateway.changes;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.geokv.access.Caller;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.gateway.web.RequestRouting.Routed;
import io.geokv.gateway.web.WriteView;
import io.geokv.store.RegionStores;
import io.geokv.store.postgres.StateReader.FoundBase;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /changes?prefix=<p>&cursor=<c>}: the routed region's change feed of the caller's tenant,
 * as Server-Sent Events ({@code Accept: text/event-stream}, each event's id its cursor, so that a
 * reconnecting {@code EventSource} resumes by itself with {@code Last-Event-ID}) or as a long poll
 * (JSON: waits up to {@code wait} seconds for a first change, answers at most {@code limit}).
 */
@RestController
class ChangesController {

    /** Changes whose keys' contexts are read in one query, and how long a batch waits to fill. */
    private static final int CONTEXT_BATCH = 256;

    private static final Duration CONTEXT_BATCH_WAIT = Duration.ofMillis(2);

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final int MAX_WAIT_SECONDS = 60;
    private static final int MAX_LIMIT = 1_000;

    private final ChangeFeed feed;
    private final RequestRouting routing;
    private final ClientTokens tokens;
    private final RegionStores stores;

    ChangesController(ChangeFeed feed, RequestRouting routing, ClientTokens tokens, RegionStores stores) {
        this.feed = feed;
        this.routing = routing;
        this.tokens = tokens;
        this.stores = stores;
    }

    /**
     * One change: the write, {@code context} the key's context in the region when the change was
     * delivered, which covers it (a write carrying it supersedes the change), and the cursor after it.
     */
    record ChangeView(String key, @JsonUnwrapped WriteView write, String context, String cursor) {}

    record ChangesPage(String region, List<ChangeView> changes, String cursor) {}

    @GetMapping(path = "/changes", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<ChangeView>> stream(
            @RequestParam(defaultValue = "") String prefix,
            @RequestParam(required = false) String cursor,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            ServerHttpRequest request,
            Caller caller) {
        Routed routed = routing.route(request, region, caller);
        Optional<ChangeCursor> from = cursor(cursor != null ? cursor : lastEventId, routed.region(), caller);
        Flux<ServerSentEvent<ChangeView>> changes = views(routed.region(), caller.tenant(), prefix, from)
                .map(view -> ServerSentEvent.builder(view)
                        .id(view.cursor())
                        .event("change")
                        .build());
        Flux<ServerSentEvent<ChangeView>> heartbeats = Flux.interval(HEARTBEAT)
                .map(tick -> ServerSentEvent.<ChangeView>builder()
                        .comment("heartbeat")
                        .build());
        return Flux.merge(changes, heartbeats);
    }

    @GetMapping(path = "/changes", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ChangesPage> poll(
            @RequestParam(defaultValue = "") String prefix,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int wait,
            @RequestParam(defaultValue = "100") int limit,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            ServerHttpRequest request,
            Caller caller) {
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw Problems.badRequest("invalid-wait", "wait is 0 to " + MAX_WAIT_SECONDS + " seconds, not " + wait);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Problems.badRequest("invalid-limit", "limit is 1 to " + MAX_LIMIT + ", not " + limit);
        }
        Routed routed = routing.route(request, region, caller);
        Optional<ChangeCursor> given = cursor(cursor, routed.region(), caller);
        // Where the log ends is asked of Kafka: off the event loop.
        Mono<ChangeCursor> start = given.map(Mono::just)
                .orElseGet(() ->
                        Mono.fromCallable(() -> feed.end(routed.region())).subscribeOn(Schedulers.boundedElastic()));
        return start.flatMap(from -> {
            String fromToken = tokens.cursor(from.encode(), caller.tenant());
            return views(routed.region(), caller.tenant(), prefix, Optional.of(from))
                    .bufferTimeout(limit, Duration.ofMillis(50))
                    .next()
                    .timeout(Duration.ofSeconds(wait), Mono.just(List.of()))
                    .map(changes -> new ChangesPage(
                            routed.region(),
                            changes,
                            changes.isEmpty()
                                    ? fromToken
                                    : changes.get(changes.size() - 1).cursor()));
        });
    }

    private Flux<ChangeView> views(String region, String tenant, String prefix, Optional<ChangeCursor> from) {
        return feed.follow(region, tenant, prefix, from)
                .onErrorMap(ChangeFeed.FeedFullException.class, e -> full(e.getMessage()))
                .onErrorMap(
                        ChangeFeed.CursorOutOfLogException.class,
                        e -> Problems.problem(
                                HttpStatus.GONE,
                                "cursor-out-of-log",
                                "the log no longer holds the cursor's position (" + e.getMessage()
                                        + "): start again without a cursor"))
                .bufferTimeout(CONTEXT_BATCH, CONTEXT_BATCH_WAIT, true)
                .concatMap(changes -> contexts(region, tenant, changes)
                        .map(contexts -> changes.stream()
                                .map(change -> new ChangeView(
                                        change.event().getKey(),
                                        WriteView.of(change.event()),
                                        contexts.get(change.event().getKey()),
                                        tokens.cursor(change.cursor().encode(), tenant)))
                                .toList()))
                .flatMapIterable(views -> views);
    }

    /**
     * The context tokens of the changes' keys in the region now (each covers its key's changes
     * delivered so far), in one query of a small column; none when the store does not answer.
     */
    private Mono<Map<String, String>> contexts(String region, String tenant, List<Change> changes) {
        List<String> keys = changes.stream()
                .map(change -> change.event().getKey())
                .distinct()
                .toList();
        return stores.get(region)
                .reader()
                .writeBases(Collections.nCopies(keys.size(), tenant), keys)
                .collectMap(FoundBase::key, found -> tokens.context(found.base().context(), tenant, found.key()))
                .onErrorResume(e -> Mono.just(Map.of()));
    }

    /** The cursor the client sent, opened; empty without one. */
    private Optional<ChangeCursor> cursor(String token, String region, Caller caller) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        ChangeCursor cursor;
        try {
            cursor = ChangeCursor.decode(tokens.openCursor(token, caller.tenant()));
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("invalid-cursor", "malformed change feed cursor: " + e.getMessage());
        }
        if (!cursor.region().equals(region)) {
            throw Problems.badRequest(
                    "cursor-of-another-region",
                    "the cursor follows region " + cursor.region() + ", and this request is routed to " + region
                            + ": follow " + cursor.region() + " with X-Region, or start again without a cursor");
        }
        return Optional.of(cursor);
    }

    private static ErrorResponseException full(String detail) {
        ErrorResponseException problem = Problems.unavailable("too-many-followers", detail);
        problem.getHeaders().set("Retry-After", "5");
        return problem;
    }
}
