package io.geokv.gateway.kv;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a write or read of a key was not done, in the domain's terms: what kind of failure it is, a
 * stable type a client can switch on ({@code invalid-key}, {@code strong-write-timeout}, ...), a
 * sentence, and the facts a client needs (an event id, the regions that applied a write, when to
 * retry, the tokens of a deleted key). The web edge turns it into {@code application/problem+json}.
 */
public final class KvProblem extends RuntimeException {

    public enum Kind {
        /** The request itself is wrong. */
        INVALID,
        NOT_FOUND,
        /** An {@code If-Match} condition does not hold. */
        PRECONDITION_FAILED,
        /** The key's state refuses the write until its conflict is resolved. */
        CONFLICT,
        TOO_LARGE,
        /** A dependency did not answer; the request may be retried. */
        UNAVAILABLE,
        /** A wait of the consistency level ran out; what was written stays durable. */
        TIMEOUT,
        /** A rate limit refused it; retry after {@link #retryAfter()}. */
        RATE_LIMITED
    }

    private final Kind kind;
    private final String type;
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private Duration retryAfter;
    private String contextToken;
    private String sessionToken;

    private KvProblem(Kind kind, String type, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.type = type;
    }

    public static KvProblem of(Kind kind, String type, String detail) {
        return new KvProblem(kind, type, detail);
    }

    public static KvProblem invalid(String type, String detail) {
        return new KvProblem(Kind.INVALID, type, detail);
    }

    public static KvProblem notFound(String detail) {
        return new KvProblem(Kind.NOT_FOUND, "not-found", detail);
    }

    public static KvProblem preconditionFailed(String detail) {
        return new KvProblem(Kind.PRECONDITION_FAILED, "precondition-failed", detail);
    }

    public static KvProblem tooLarge(String detail) {
        return new KvProblem(Kind.TOO_LARGE, "value-too-large", detail);
    }

    public static KvProblem unavailable(String type, String detail) {
        return new KvProblem(Kind.UNAVAILABLE, type, detail);
    }

    public static KvProblem timeout(String type, String detail) {
        return new KvProblem(Kind.TIMEOUT, type, detail);
    }

    /** This problem, also telling the client {@code name} (a JSON-friendly value). */
    public KvProblem with(String name, Object value) {
        facts.put(name, value);
        return this;
    }

    public KvProblem retryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    /** The context and session tokens a client needs to write after the delete it saw. */
    public KvProblem withTokens(String context, String session) {
        this.contextToken = context;
        this.sessionToken = session;
        return this;
    }

    public Kind kind() {
        return kind;
    }

    public String type() {
        return type;
    }

    public Map<String, Object> facts() {
        return Collections.unmodifiableMap(facts);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Optional<String> contextToken() {
        return Optional.ofNullable(contextToken);
    }

    public Optional<String> sessionToken() {
        return Optional.ofNullable(sessionToken);
    }
}
