package io.geokv.history;

/** What a client operation asked geokv to do. */
public enum OperationKind {
    /** A PUT without {@code X-Context}: it supersedes what the routed region held. */
    BLIND_WRITE,
    /** A PUT with the {@code X-Context} of an earlier read: it supersedes exactly that context. */
    CONTEXT_WRITE,
    /** A DELETE: a tombstone event, a sibling like any value. */
    DELETE,
    /** A strong PUT with {@code If-Match} writing {@code expectedValue + 1}. */
    CAS_INCREMENT,
    /** A GET with {@code X-Session}: never older than the session's own writes. */
    SESSION_READ,
    /** A GET with {@code X-Consistency: strong}: the merge of every region's state. */
    STRONG_READ,
    /** A plain GET: the routed region's state, which may miss recent writes. */
    EVENTUAL_READ;

    /** Whether an operation of this kind produces an event (a write or a delete). */
    public boolean isWrite() {
        return this == BLIND_WRITE || this == CONTEXT_WRITE || this == DELETE || this == CAS_INCREMENT;
    }

    /** Whether an operation of this kind only reads. */
    public boolean isRead() {
        return !isWrite();
    }
}
