package io.geokv.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One client operation as the runner recorded it.
 *
 * <p>Invariants: {@code kind}, {@code outcome}, {@code tenant} and {@code key} are set; {@code
 * readContext} and {@code readEventIds} are never null (empty when unknown or not a read). A
 * completion time before the invocation time (e.g. 0 for an operation that never answered) means
 * "still open at the end of the run", see {@link #effectiveCompletedAtNanos()}.
 *
 * @param id unique within the history
 * @param process the client that issued it
 * @param session the {@code X-Session} the client used, or null
 * @param region the region the operation was routed to
 * @param value the value written; null for deletes and reads
 * @param status the HTTP status, or 0 when there was no answer
 * @param problemJson whether the answer had {@code Content-Type: application/problem+json}
 * @param problemType the problem's {@code type} URI, or null
 * @param eventId the event id of a write's answer (OK writes; UNKNOWN writes when the answer had one)
 * @param readValue what a read returned; null for 404
 * @param readContext the causal context a read returned, decoded: region to counter
 * @param readEventIds event ids of the siblings a read saw; empty when unknown
 * @param expectedValue for {@link OperationKind#CAS_INCREMENT}: the counter value read before, so the
 *     written value is {@code expectedValue + 1}
 */
public record Operation(
        long id,
        String process,
        String session,
        OperationKind kind,
        String tenant,
        String key,
        String region,
        String value,
        long invokedAtNanos,
        long completedAtNanos,
        Outcome outcome,
        int status,
        boolean problemJson,
        String problemType,
        String eventId,
        String readValue,
        Map<String, Long> readContext,
        List<String> readEventIds,
        Long expectedValue) {

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        readContext = readContext == null ? Map.of() : Map.copyOf(readContext);
        readEventIds = readEventIds == null ? List.of() : List.copyOf(readEventIds);
    }

    /** The key this operation is about. */
    public KeyRef keyRef() {
        return new KeyRef(tenant, key);
    }

    /** Whether this operation is a write that geokv acknowledged. */
    @JsonIgnore // derived, not part of the file format
    public boolean isAcknowledgedWrite() {
        return kind.isWrite() && outcome == Outcome.OK;
    }

    /** Whether this operation is a read that answered. */
    public boolean isAnsweredRead(OperationKind readKind) {
        return kind == readKind && outcome == Outcome.OK;
    }

    /**
     * The completion time, or {@link Long#MAX_VALUE} if the operation never completed: an open
     * operation overlaps everything after its invocation, which is the conservative reading.
     */
    public long effectiveCompletedAtNanos() {
        return completedAtNanos < invokedAtNanos ? Long.MAX_VALUE : completedAtNanos;
    }

    /** Whether this operation completed strictly before {@code later} was invoked (real-time order). */
    public boolean precedes(Operation later) {
        return effectiveCompletedAtNanos() < later.invokedAtNanos();
    }
}
