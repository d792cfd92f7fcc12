package io.geokv.history;

import java.util.Objects;

/**
 * One violation of the documented semantics.
 *
 * @param tenant the key's tenant, null when the anomaly is not about one key
 * @param key the key, null when the anomaly is not about one key
 * @param operationId the operation that shows it, null when it is about the log or the final states
 * @param detail what was expected and what was found, for a human
 */
public record Anomaly(AnomalyType type, String tenant, String key, Long operationId, String detail) {

    public Anomaly {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }

    static Anomaly of(AnomalyType type, KeyRef key, Long operationId, String detail) {
        return new Anomaly(
                type, key == null ? null : key.tenant(), key == null ? null : key.key(), operationId, detail);
    }

    static Anomaly of(AnomalyType type, Operation op, String detail) {
        return of(type, op.keyRef(), op.id(), detail);
    }
}
