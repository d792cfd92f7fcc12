package io.geokv.gateway.health;

import java.util.Locale;

/** What a region can do. */
public enum RegionStatus {
    /** Every check holds. */
    HEALTHY,
    /** Serving, but without its cache: reads come from PostgreSQL. */
    DEGRADED,
    /** A required check failed: requests routed to it fail over. */
    UNHEALTHY;

    public boolean serving() {
        return this != UNHEALTHY;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
