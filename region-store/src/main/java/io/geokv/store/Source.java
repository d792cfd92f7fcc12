package io.geokv.store;

import java.util.Locale;

/** Where a read was served from (docs/product.md, 'Geo-routing and failover': responses say who served them). */
public enum Source {
    CACHE,
    DB,
    /** The event log itself: a read of the past ({@code as_of}). */
    LOG;

    /** The name on the wire: {@code cache}, {@code db} or {@code log} (the X-Source header and JSON field). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
