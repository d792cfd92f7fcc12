package io.geokv.gateway.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
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

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.Sibling;
import io.geokv.gateway.config.GatewayProperties;
import io.geokv.gateway.kv.KvService.WriteCommand;
import io.geokv.gateway.kv.KvService.WriteResult;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.routing.RegionRouter;
import io.geokv.gateway.routing.RegionRouter.Route;

/** {@code PUT|GET|DELETE /kv/{key}}: the key is the rest of the path, so keys may contain slashes. */
@RestController
class KvController {

    private final KvService kv;
    private final RegionRouter router;
    private final GatewayProperties properties;

    KvController(KvService kv, RegionRouter router, GatewayProperties properties) {
        this.kv = kv;
        this.router = router;
        this.properties = properties;
    }

    record WriteResponse(String key, String region, List<String> replicatedTo, String context, String eventId) {}

    record ReadResponse(String key, String value, String valueEncoding, String contentType, String region,
            String source, long latencyMs, String context, int siblings) {}

    @PutMapping("/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> put(@PathVariable String key, ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            @RequestHeader(value = GeokvHeaders.TENANT, required = false) String tenant,
            @RequestHeader(value = GeokvHeaders.CONTEXT, required = false) String context,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = GeokvHeaders.CONSISTENCY, required = false) String consistency) {
        Consistency.parse(consistency);
        Route route = router.route(region);
        String contentType = request.getHeaders().getContentType() == null
                ? MediaType.APPLICATION_OCTET_STREAM_VALUE
                : request.getHeaders().getContentType().toString();
        return readBody(request).flatMap(value -> write(route, new WriteCommand(route.region(), tenant,
                KvService.keyFromPath(key), value, contentType, context, unquote(ifMatch))));
    }

    @DeleteMapping("/kv/{*key}")
    Mono<ResponseEntity<WriteResponse>> delete(@PathVariable String key,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            @RequestHeader(value = GeokvHeaders.TENANT, required = false) String tenant,
            @RequestHeader(value = GeokvHeaders.CONTEXT, required = false) String context,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = GeokvHeaders.CONSISTENCY, required = false) String consistency) {
        Consistency.parse(consistency);
        Route route = router.route(region);
        return write(route, new WriteCommand(route.region(), tenant, KvService.keyFromPath(key), null,
                MediaType.APPLICATION_OCTET_STREAM_VALUE, context, unquote(ifMatch)));
    }

    @GetMapping("/kv/{*key}")
    Mono<ResponseEntity<?>> get(@PathVariable String key, ServerHttpRequest request,
            @RequestHeader(value = GeokvHeaders.REGION, required = false) String region,
            @RequestHeader(value = GeokvHeaders.TENANT, required = false) String tenant,
            @RequestHeader(value = GeokvHeaders.CONSISTENCY, required = false) String consistency) {
        Consistency.parse(consistency);
        Route route = router.route(region);
        String plainKey = KvService.keyFromPath(key);
        long started = System.nanoTime();
        boolean wantsJson = request.getHeaders().getAccept().stream()
                .anyMatch(type -> type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON));
        return kv.read(route.region(), tenant, plainKey)
                .map(result -> {
                    long latencyMs = (System.nanoTime() - started) / 1_000_000;
                    Sibling winner = result.winner();
                    String context = ContextTokens.encode(result.state().context());
                    ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                            .header(GeokvHeaders.REGION, route.region())
                            .header(GeokvHeaders.ROUTE_REASON, route.reason())
                            .header(GeokvHeaders.SOURCE, result.source().wire())
                            .header(GeokvHeaders.CONTEXT, context)
                            .header(GeokvHeaders.LATENCY, Long.toString(latencyMs));
                    if (wantsJson) {
                        String text = utf8OrNull(winner.value());
                        return response.contentType(MediaType.APPLICATION_JSON).body(new ReadResponse(plainKey,
                                text != null ? text : Base64.getEncoder().encodeToString(winner.value()),
                                text != null ? null : "base64", winner.contentType(), route.region(),
                                result.source().wire(), latencyMs, context, result.state().siblings().size()));
                    }
                    return response.contentType(mediaTypeOf(winner)).body(winner.value());
                });
    }

    private Mono<ResponseEntity<WriteResponse>> write(Route route, WriteCommand command) {
        return kv.write(command).map((WriteResult result) -> {
            String context = ContextTokens.encode(result.context());
            return ResponseEntity.ok()
                    .header(GeokvHeaders.REGION, route.region())
                    .header(GeokvHeaders.ROUTE_REASON, route.reason())
                    .header(GeokvHeaders.CONTEXT, context)
                    .body(new WriteResponse(command.key(), route.region(), router.othersThan(route.region()),
                            context, result.eventId()));
        });
    }

    private Mono<byte[]> readBody(ServerHttpRequest request) {
        int limit = (int) properties.maxValueSize().toBytes();
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

    /** If-Match values may arrive as quoted entity tags. */
    private static String unquote(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** Events produced straight to Kafka may carry any content type string; serve junk as plain bytes. */
    private static MediaType mediaTypeOf(Sibling winner) {
        try {
            return MediaType.parseMediaType(winner.contentType());
        } catch (IllegalArgumentException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
