package io.geokv.gateway.kv.http;

import io.geokv.access.Caller;
import io.geokv.gateway.kv.BatchLimits;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.kv.WriteResult;
import io.geokv.gateway.kv.write.KvWrites;
import io.geokv.gateway.ratelimit.RateLimits;
import io.geokv.gateway.ratelimit.RateLimits.Refusal;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.gateway.web.MediaHeaders;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.gateway.web.RequestRouting.Routed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /kv/_batch}: up to {@code geokv.gateway.batch.max-writes} writes of one tenant in one
 * round trip, routed together, each written as {@code PUT} or {@code DELETE /kv/{key}} would be, at
 * the request's consistency level and in its session. Not atomic across keys: each write succeeds or
 * fails on its own, and the answer lists every write's result in the order of the request.
 */
@RestController
class BatchController {

    /** Writes of one batch in flight at once: enough to fill the producer's batches. */
    private static final int CONCURRENCY = 64;

    private final KvWrites writes;
    private final KvRequests requests;
    private final ClientTokens tokens;
    private final RequestRouting routing;
    private final RateLimits limits;
    private final int maxWrites;

    BatchController(
            KvWrites writes,
            KvRequests requests,
            ClientTokens tokens,
            RequestRouting routing,
            RateLimits limits,
            BatchLimits batchLimits) {
        this.writes = writes;
        this.requests = requests;
        this.tokens = tokens;
        this.routing = routing;
        this.limits = limits;
        this.maxWrites = batchLimits.maxWrites();
    }

    /**
     * One write of a batch.
     *
     * @param value the value, as text, or base64 with {@code value_encoding: base64}; absent to delete
     * @param delete true to delete the key (then no value)
     * @param context the context token the write is based on ({@code X-Context} of a single write)
     * @param ttl how long the value lives, in seconds (a number or text), as {@code ?ttl=} of a single write
     */
    record BatchWrite(
            String key,
            String value,
            String valueEncoding,
            String contentType,
            Boolean delete,
            String context,
            Object ttl) {}

    record BatchRequest(List<BatchWrite> writes) {}

    /**
     * One write's result: {@code status} 200 with its event id and context token, or the status and
     * problem type a single write would have answered, with its detail.
     */
    record WriteOutcome(
            String key, int status, String eventId, String context, Instant expiresAt, String type, String detail) {}

    /** {@code session} covers every write of the batch that succeeded. */
    record BatchResponse(
            String region, String consistency, String session, int succeeded, List<WriteOutcome> results) {}

    @PostMapping(path = "/kv/_batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<BatchResponse>> batch(
            @RequestBody BatchRequest batch,
            ServerHttpRequest http,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        MediaHeaders.accept(http);
        List<BatchWrite> items = checked(batch);
        Routed routed = routing.route(http, region, caller);
        Consistency level = KvRequests.level(http.getHeaders());
        SessionPositions session = requests.session(http.getHeaders(), caller.tenant());
        limits.admitMoreWrites(caller.grant(), caller.tenant(), items.size() - 1)
                .ifPresent(refusal -> {
                    throw rateLimited(refusal, items.size());
                });
        return Flux.fromIterable(items)
                .flatMapSequential(item -> write(routed, caller, level, session, item), CONCURRENCY)
                .collectList()
                .map(outcomes -> {
                    SessionPositions covered = outcomes.stream()
                            .map(Outcome::session)
                            .flatMap(Optional::stream)
                            .reduce(session, SessionPositions::join);
                    String token = tokens.session(covered, caller.tenant());
                    List<WriteOutcome> results =
                            outcomes.stream().map(Outcome::result).toList();
                    int succeeded = (int) results.stream()
                            .filter(result -> result.status() == 200)
                            .count();
                    return ResponseEntity.ok()
                            .headers(routed::describe)
                            .header(GeokvHeaders.SESSION, token)
                            .header(GeokvHeaders.CONSISTENCY, level.wire())
                            .body(new BatchResponse(routed.region(), level.wire(), token, succeeded, results));
                });
    }

    /** A write's result and, when it succeeded, the session positions it left. */
    private record Outcome(WriteOutcome result, Optional<SessionPositions> session) {}

    private Mono<Outcome> write(
            Routed routed, Caller caller, Consistency level, SessionPositions session, BatchWrite item) {
        WriteRequest write;
        try {
            KeyRef key = requests.key(caller.tenant(), item.key());
            write = new WriteRequest(
                    routed.region(),
                    key,
                    value(item),
                    item.contentType() == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : item.contentType(),
                    requests.context(item.context(), key),
                    Optional.empty(),
                    level,
                    session,
                    KvRequests.ttl(item.ttl()));
        } catch (KvProblem problem) {
            return Mono.just(failed(item, problem));
        }
        return Mono.defer(() -> writes.write(write))
                .map((WriteResult result) -> new Outcome(
                        new WriteOutcome(
                                item.key(),
                                200,
                                result.eventId(),
                                result.context(),
                                result.expiresAt().orElse(null),
                                null,
                                null),
                        Optional.of(result.sessionPositions())))
                .onErrorResume(KvProblem.class, problem -> Mono.just(failed(item, problem)));
    }

    private static Outcome failed(BatchWrite item, KvProblem problem) {
        return new Outcome(
                new WriteOutcome(
                        item.key(),
                        KvProblemHandler.status(problem.kind()).value(),
                        null,
                        null,
                        null,
                        problem.type(),
                        problem.getMessage()),
                Optional.empty());
    }

    /** The bytes to write, or null to delete. */
    private static byte[] value(BatchWrite item) {
        boolean delete = Boolean.TRUE.equals(item.delete());
        if (delete == (item.value() != null)) {
            throw KvProblem.invalid(
                    "invalid-batch-write", "a write has either a \"value\" or \"delete\": true, not both or neither");
        }
        if (delete) {
            return null;
        }
        if (item.valueEncoding() == null) {
            return item.value().getBytes(StandardCharsets.UTF_8);
        }
        if (!item.valueEncoding().equals("base64")) {
            throw KvProblem.invalid(
                    "invalid-batch-write", "\"value_encoding\" is \"base64\" or absent, not " + item.valueEncoding());
        }
        try {
            return Base64.getDecoder().decode(item.value());
        } catch (IllegalArgumentException e) {
            throw KvProblem.invalid("invalid-batch-write", "\"value\" is not base64: " + e.getMessage());
        }
    }

    private List<BatchWrite> checked(BatchRequest batch) {
        if (batch == null || batch.writes() == null || batch.writes().isEmpty()) {
            throw KvProblem.invalid("invalid-batch", "the body is a JSON object with a non-empty array \"writes\"");
        }
        if (batch.writes().size() > maxWrites) {
            throw KvProblem.invalid(
                    "batch-too-large",
                    "a batch carries at most " + maxWrites + " writes, this one "
                            + batch.writes().size());
        }
        if (batch.writes().stream().anyMatch(item -> item == null || item.key() == null)) {
            throw KvProblem.invalid("invalid-batch", "every write of \"writes\" is an object with a \"key\"");
        }
        return batch.writes();
    }

    /** Like a single request's 429 (access-control's {@code AccessProblems}), with {@code Retry-After}. */
    private static KvProblem rateLimited(Refusal refusal, int writes) {
        if (refusal.neverFits()) {
            return KvProblem.invalid(
                    "batch-over-rate-limit",
                    "a batch of " + writes + " writes is more than this " + refusal.limit()
                            + " rate limit ever admits at once (" + refusal.burst() + "): send at most "
                            + refusal.burst() + " writes a batch");
        }
        return KvProblem.of(
                        KvProblem.Kind.RATE_LIMITED,
                        "rate-limited",
                        "this " + refusal.limit() + " rate limit has no room for a batch of " + writes
                                + " writes; retry after Retry-After, or send fewer at once")
                .retryAfter(refusal.retryAfter());
    }
}
