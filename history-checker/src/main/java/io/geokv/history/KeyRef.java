package io.geokv.history;

import java.util.Comparator;
import java.util.Objects;

/** A key of a tenant: the unit the merge rule works on. Ordered by tenant, then key. */
public record KeyRef(String tenant, String key) implements Comparable<KeyRef> {

    private static final Comparator<KeyRef> ORDER =
            Comparator.comparing(KeyRef::tenant).thenComparing(KeyRef::key);

    public KeyRef {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public int compareTo(KeyRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return tenant + "/" + key;
    }
}
