package io.geokv.gateway.kv.http;

import io.geokv.access.Grant;
import io.geokv.conflict.Expiry;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.web.GeokvHeaders;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.http.HttpHeaders;

/**
 * Reads a key request's headers into the domain's types, once, at the edge: the key, the consistency level and the opened context, {@code If-Match}
 * and session tokens. What cannot be read is the client's error.
 */
public final class KvRequests {

    private final ClientTokens tokens;

    public KvRequests(ClientTokens tokens) {
        this.tokens = tokens;
    }

    /** The key of a {@code {*key}} path capture, which includes the leading slash. */
    public KeyRef fromPath(String tenant, String captured) {
        return key(tenant, captured.startsWith("/") ? captured.substring(1) : captured);
    }

    /** @param tenant the tenant the request acts for ({@link io.geokv.access.Caller#tenant()}) */
    public KeyRef key(String tenant, String key) {
        return new KeyRef(tenant, key);
    }

    /**
     * @param value null to delete
     * @param ttl the {@code ttl} query parameter, or null
     */
    public WriteRequest write(
            String region, KeyRef key, byte[] value, String contentType, HttpHeaders headers, String ttl) {
        Consistency level = level(headers);
        Optional<VersionVector> context = context(headers.getFirst(GeokvHeaders.CONTEXT), key);
        Optional<VersionVector> expected = context(unquote(headers.getFirst(HttpHeaders.IF_MATCH)), key);
        return new WriteRequest(
                region, key, value, contentType, context, expected, level, session(headers, key.tenant()), ttl(ttl));
    }

    /**
     * A time to live as a client gave it: in a query parameter (text) or in a JSON body (a number or
     * text), a whole number of seconds from 1 to {@link Expiry#MAX_TTL_SECONDS}; null when absent.
     */
    public static OptionalLong ttl(Object given) {
        if (given == null) {
            return OptionalLong.empty();
        }
        long seconds = 0;
        if (given instanceof Integer || given instanceof Long) {
            seconds = ((Number) given).longValue();
        } else if (given instanceof BigInteger || (given instanceof String text && text.matches("[0-9]{1,30}"))) {
            BigInteger whole = new BigInteger(given.toString());
            seconds = whole.bitLength() < 63 ? whole.longValue() : 0;
        }
        if (seconds < 1 || seconds > Expiry.MAX_TTL_SECONDS) {
            throw KvProblem.invalid(
                    "invalid-ttl",
                    "ttl is a whole number of seconds from 1 to " + Expiry.MAX_TTL_SECONDS + ", not '" + given + "'");
        }
        return OptionalLong.of(seconds);
    }

    /** @param asOf the {@code as_of} query parameter, or null */
    public ReadRequest read(String region, KeyRef key, HttpHeaders headers, Grant caller, String asOf) {
        Consistency level = level(headers);
        return new ReadRequest(region, key, level, session(headers, key.tenant()), caller, instant(asOf));
    }

    /**
     * An instant of the past as a client gave it: ISO-8601 with a zone or offset ({@code
     * 2026-12-07T10:15:30Z}, {@code 2026-12-07T11:15:30+01:00}); empty when absent.
     */
    public static Optional<Instant> instant(String given) {
        if (given == null) {
            return Optional.empty();
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(given).toInstant();
        } catch (DateTimeParseException e) {
            throw KvProblem.invalid(
                    "invalid-instant",
                    "as_of is an ISO-8601 instant with a zone, such as 2026-12-07T10:15:30Z, not '" + given + "'");
        }
        if (instant.isAfter(Instant.now())) {
            throw KvProblem.invalid("invalid-instant", "as_of " + instant + " is in the future");
        }
        return Optional.of(instant);
    }

    /** The consistency level a request asks for ({@code X-Consistency}, or session with {@code X-Session}). */
    static Consistency level(HttpHeaders headers) {
        return Consistency.of(
                headers.getFirst(GeokvHeaders.CONSISTENCY), headers.getFirst(GeokvHeaders.SESSION) != null);
    }

    /** An opened context token; empty without one. */
    Optional<VersionVector> context(String token, KeyRef key) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(tokens.context(token, key.tenant(), key.key()));
        } catch (IllegalArgumentException e) {
            throw KvProblem.invalid("invalid-context", e.getMessage());
        }
    }

    /** The opened {@code X-Session} token of {@code tenant}; empty without one. */
    SessionPositions session(HttpHeaders headers, String tenant) {
        String token = headers.getFirst(GeokvHeaders.SESSION);
        if (token == null) {
            return SessionPositions.empty();
        }
        try {
            return tokens.session(token, tenant);
        } catch (IllegalArgumentException e) {
            throw KvProblem.invalid("invalid-session", e.getMessage());
        }
    }

    /** If-Match values may arrive as quoted entity tags. */
    private static String unquote(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
