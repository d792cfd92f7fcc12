package io.geokv.gateway.kv;

import io.geokv.event.InputRules;

/**
 * A tenant's key, valid by construction: every write and read names one.
 *
 * @throws KvProblem invalid ({@code invalid-tenant}, {@code invalid-key}) when either breaks the input rules
 */
public record KeyRef(String tenant, String key) {

    public KeyRef {
        InputRules.tenantViolation(tenant).ifPresent(message -> {
            throw KvProblem.invalid("invalid-tenant", message);
        });
        InputRules.keyViolation(key).ifPresent(message -> {
            throw KvProblem.invalid("invalid-key", message);
        });
    }

    @Override
    public String toString() {
        return key;
    }
}
