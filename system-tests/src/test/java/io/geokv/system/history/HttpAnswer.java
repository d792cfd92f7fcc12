package io.geokv.system.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.history.Outcome;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What one HTTP exchange of the runner ended with: an answer, or none ({@code status == 0}, e.g. a
 * timeout or a cancelled request).
 */
record HttpAnswer(int status, String contentType, String body, String context, String session) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final HttpAnswer NONE = new HttpAnswer(0, null, null, null, null);

    static HttpAnswer of(HttpResponse<byte[]> response) {
        return new HttpAnswer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                new String(response.body(), StandardCharsets.UTF_8),
                response.headers().firstValue(GeokvHeaders.CONTEXT).orElse(null),
                response.headers().firstValue(GeokvHeaders.SESSION).orElse(null));
    }

    boolean isProblem() {
        return contentType != null && contentType.startsWith("application/problem+json");
    }

    /**
     * A write's outcome: OK on 200; FAIL on a 4xx, which geokv answers before anything is published;
     * UNKNOWN otherwise (no answer, a timeout, a 5xx), since the event may be in the log anyway.
     */
    Outcome writeOutcome() {
        if (status == 200) {
            return Outcome.OK;
        }
        return status >= 400 && status < 500 ? Outcome.FAIL : Outcome.UNKNOWN;
    }

    /** A read's outcome: OK when it answered with the key's state (200, or 404 for none). */
    Outcome readOutcome() {
        if (status == 200 || status == 404) {
            return Outcome.OK;
        }
        return status >= 400 && status < 500 ? Outcome.FAIL : Outcome.UNKNOWN;
    }

    /** The {@code event_id} of a write's answer or of an outcome-unknown problem, if any. */
    String eventId() {
        return status == 200 || isProblem() ? field("event_id") : null;
    }

    /** The problem's {@code type}, if the answer is a problem. */
    String problemType() {
        return isProblem() ? field("type") : null;
    }

    private String field(String name) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            JsonNode value = JSON.readTree(body).get(name);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** The causal context the answer carried, decoded (the runner is trusted: no seal check). */
    Map<String, Long> decodedContext() {
        if (context == null || context.isEmpty()) {
            return Map.of();
        }
        VersionVector vector = ClientTokens.unsealedContext(context);
        return vector.asMap();
    }
}
