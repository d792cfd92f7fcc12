package io.geokv.history;

/** What the client knows about an operation's effect once it ended. */
public enum Outcome {
    /** The operation took effect (a write is durable in Kafka; a read answered). */
    OK,
    /** The operation certainly did not take effect (e.g. 400, 409, 412, 413). */
    FAIL,
    /**
     * No answer, a timeout, a cancellation or a 503 whose outcome is unknown: a write may or may not
     * be in the log, so the checker accepts either.
     */
    UNKNOWN
}
