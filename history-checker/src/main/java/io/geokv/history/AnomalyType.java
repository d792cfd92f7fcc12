package io.geokv.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of violation the checks report; {@link #label()} is the stable name used in reports. */
public enum AnomalyType {
    /** An acknowledged write's event is not counted anywhere in its key's log. */
    LOST_WRITE("lost-write"),
    /** An acknowledged write's event is in the log but the merge rule refuses it: never visible. */
    REFUSED_ACKNOWLEDGED_WRITE("refused-acknowledged-write"),
    /** A region's final state of a key holds other siblings than the log implies. */
    DIVERGED_STATE("diverged-state"),
    /** The regions' whole-state digests are not all equal. */
    DIGESTS_DIFFER("digests-differ"),
    /** A counter ended below its initial value plus its acknowledged increments. */
    LOST_INCREMENT("lost-increment"),
    /** A counter ended above its initial value plus every increment that may have applied. */
    PHANTOM_INCREMENT("phantom-increment"),
    /** Two acknowledged conditional increments of one key wrote the same value (same If-Match). */
    DUPLICATE_INCREMENT("duplicate-increment"),
    /** A session read did not see a write the same session had completed before. */
    READ_YOUR_WRITES("read-your-writes"),
    /** A session read saw less than an earlier session read of the same key. */
    MONOTONIC_READS("monotonic-reads"),
    /** A strong read did not see a write acknowledged before it started. */
    STALE_STRONG_READ("stale-strong-read"),
    /** A region finally shows another value than last-writer-wins picks from the log's siblings. */
    STALE_VISIBLE_VALUE("stale-visible-value"),
    /** A read showed an event that is not counted in its key's log, or that its own context does not cover. */
    PHANTOM_READ("phantom-read"),
    /** A 5xx that is not an explained, fault-time 503/504 problem. */
    SERVER_ERROR("server-error");

    private final String label;

    AnomalyType(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }
}
