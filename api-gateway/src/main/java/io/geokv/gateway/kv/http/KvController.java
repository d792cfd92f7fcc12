package io.geokv.gateway.kv.http;

import io.geokv.access.Caller;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.Resolution;
import io.geokv.conflict.Sibling;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.kv.WriteResult;
import io.geokv.gateway.kv.read.KvReads;
import io.geokv.gateway.kv.write.KvWrites;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.web.EncodedValue;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.gateway.web.MediaHeaders;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.gateway.web.RequestRouting.Routed;
import java.time.Instant;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code PUT|GET|DELETE /kv/{key}}, geo-routed, and {@code /regions/{region}/kv/{key}} in a named
 * region. The key is the rest of the path, so keys may contain slashes.
 */
@RestController
class KvController {

    /** The query parameter of a write's time to live, in seconds. */
    static final String TTL = "ttl";

    /** The query parameter of a read of the past: an ISO-8601 instant. */
    static final String AS_OF = "as_of";

    private final KvWrites writes;
    private final KvReads reads;
    private final KvRequests requests;
    private final RequestRouting routing;
    private final int maxValueBytes;

    KvController(KvWrites writes, KvReads reads, KvRequests requests, RequestRouting routing, KeyLimits limits) {
        this.writes = writes;
        this.reads = reads;
        this.requests = requests;
        this.routing = routing;
        this.maxValueBytes = (int) limits.maxValueBytes();
    }

    /**
     * {@code applied_in}: the regions that had applied a strong write when it returned; {@code
     * expires_at}: when a value written with a {@code ttl} expires.
     */
    record WriteResponse(
            String key,
            String region,
            List<String> replicatedTo,
            String context,
            String eventId,
            String session,
            String consistency,
            List<String> appliedIn,
            Instant expiresAt) {}

    record ReadResponse(
            String key,
            String value,
            String valueEncoding,
            String contentType,
            String region,
            String source,
            long latencyMs,
            String context,
            int siblings) {}

    /** 300 Multiple Choices: the concurrent values, and the context a resolving write sends back. */
    record SiblingsResponse(
            String key, String region, String source, long latencyMs, String context, List<SiblingView> siblings) {}

    record SiblingView(
            String value, String valueEncoding, String contentType, String eventId, String origin, long timestamp) {

        static SiblingView of(Sibling sibling) {
            EncodedValue encoded = EncodedValue.of(sibling.value());
            return new SiblingView(
                    encoded.text(),
                    encoded.encoding(),
                    sibling.contentType(),
                    sibling.eventId(),
                    sibling.dot().region(),
                    sibling.timestamp());
        }
    }

    @PutMapping("/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> put(
            @PathVariable String key,
            ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        return put(key, request, caller.tenant(), routing.route(request, region, caller));
    }

    /** The same, in one region the client names: no geo-routing, no failover (503 when it is down). */
    @PutMapping("/regions/{region}/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> putInRegion(
            @PathVariable String region, @PathVariable String key, ServerHttpRequest request, Caller caller) {
        return put(key, request, caller.tenant(), routing.explicit(region, caller));
    }

    @DeleteMapping("/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> delete(
            @PathVariable String key,
            ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        return delete(key, request, caller.tenant(), routing.route(request, region, caller));
    }

    @DeleteMapping("/regions/{region}/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> deleteInRegion(
            @PathVariable String region, @PathVariable String key, ServerHttpRequest request, Caller caller) {
        return delete(key, request, caller.tenant(), routing.explicit(region, caller));
    }

    @GetMapping("/kv/{*key}")
    Mono<ResponseEntity<?>> get(
            @PathVariable String key,
            ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            Caller caller) {
        return read(key, request, caller, routing.route(request, region, caller));
    }

    @GetMapping("/regions/{region}/kv/{*key}")
    Mono<ResponseEntity<?>> getInRegion(
            @PathVariable String region, @PathVariable String key, ServerHttpRequest request, Caller caller) {
        return read(key, request, caller, routing.explicit(region, caller));
    }

    private Mono<ResponseEntity<WriteResponse>> put(
            String key, ServerHttpRequest request, String tenant, Routed routed) {
        MediaHeaders.accept(request);
        MediaType declared = MediaHeaders.contentType(request);
        String contentType = declared == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : declared.toString();
        return readBody(request).flatMap(value -> write(routed, key, request, tenant, value, contentType));
    }

    private Mono<ResponseEntity<WriteResponse>> delete(
            String key, ServerHttpRequest request, String tenant, Routed routed) {
        MediaHeaders.accept(request);
        return write(routed, key, request, tenant, null, MediaType.APPLICATION_OCTET_STREAM_VALUE);
    }

    private Mono<ResponseEntity<?>> read(String key, ServerHttpRequest request, Caller caller, Routed routed) {
        String session = request.getHeaders().getFirst(GeokvHeaders.SESSION);
        long started = System.nanoTime();
        boolean wantsJson = MediaHeaders.accept(request).stream()
                .anyMatch(type -> type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON));
        KeyRef ref = requests.fromPath(caller.tenant(), key);
        String plainKey = ref.key();
        return reads.read(requests.read(
                        routed.region(),
                        ref,
                        request.getHeaders(),
                        caller.grant(),
                        request.getQueryParams().getFirst(AS_OF)))
                .map(result -> {
                    long latencyMs = (System.nanoTime() - started) / 1_000_000;
                    String source = result.source().wire();
                    Routed served = result.servedBy().equals(routed.region())
                            ? routed
                            : new Routed(
                                    result.servedBy(),
                                    "session: " + routed.region() + " had not applied it yet",
                                    routed.failover());
                    HttpHeaders headers = new HttpHeaders();
                    served.describe(headers);
                    headers.set(GeokvHeaders.SOURCE, source);
                    headers.set(GeokvHeaders.CONTEXT, result.context());
                    headers.set(GeokvHeaders.CONSISTENCY, result.consistency().wire());
                    headers.set(GeokvHeaders.REGIONS_READ, String.join(",", result.regionsRead()));
                    headers.set(GeokvHeaders.LATENCY, Long.toString(latencyMs));
                    if (result.session() != null || session != null) {
                        headers.set(GeokvHeaders.SESSION, result.session() != null ? result.session() : session);
                    }
                    if (result.resolution() instanceof Resolution.Conflict siblings) {
                        return ResponseEntity.status(HttpStatus.MULTIPLE_CHOICES)
                                .headers(headers)
                                .contentType(MediaType.APPLICATION_JSON)
                                .body(new SiblingsResponse(
                                        plainKey,
                                        result.servedBy(),
                                        source,
                                        latencyMs,
                                        result.context(),
                                        siblings.siblings().stream()
                                                .map(SiblingView::of)
                                                .toList()));
                    }
                    ResponseEntity.BodyBuilder response = ResponseEntity.ok().headers(headers);
                    Resolution.Value value = (Resolution.Value) result.resolution();
                    if (!wantsJson) {
                        return response.contentType(mediaTypeOf(value.contentType()))
                                .body(value.value());
                    }
                    EncodedValue encoded = EncodedValue.of(value.value());
                    return response.contentType(MediaType.APPLICATION_JSON)
                            .body(new ReadResponse(
                                    plainKey,
                                    encoded.text(),
                                    encoded.encoding(),
                                    value.contentType(),
                                    result.servedBy(),
                                    source,
                                    latencyMs,
                                    result.context(),
                                    result.state().siblings().size()));
                });
    }

    private Mono<ResponseEntity<WriteResponse>> write(
            Routed routed, String key, ServerHttpRequest request, String tenant, byte[] value, String contentType) {
        WriteRequest write = requests.write(
                routed.region(),
                requests.fromPath(tenant, key),
                value,
                contentType,
                request.getHeaders(),
                request.getQueryParams().getFirst(TTL));
        return writes.write(write)
                .map((WriteResult result) -> ResponseEntity.ok()
                        .headers(routed::describe)
                        .header(GeokvHeaders.CONTEXT, result.context())
                        .header(GeokvHeaders.SESSION, result.session())
                        .header(GeokvHeaders.CONSISTENCY, result.consistency().wire())
                        .body(new WriteResponse(
                                write.key().key(),
                                routed.region(),
                                routing.router().replicasBesides(routed.region(), tenant),
                                result.context(),
                                result.eventId(),
                                result.session(),
                                result.consistency().wire(),
                                result.consistency() == Consistency.STRONG ? result.appliedIn() : null,
                                result.expiresAt().orElse(null))));
    }

    private Mono<byte[]> readBody(ServerHttpRequest request) {
        int limit = maxValueBytes;
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            return Mono.error(tooLarge(limit));
        }
        return DataBufferUtils.join(request.getBody(), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(limit))
                .defaultIfEmpty(new byte[0]);
    }

    private static RuntimeException tooLarge(int limit) {
        return Problems.tooLarge("value is larger than the limit of " + limit + " bytes");
    }

    /** Events produced straight to Kafka may carry any content type string; serve junk as plain bytes. */
    private static MediaType mediaTypeOf(String contentType) {
        try {
            return MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }
}
