package io.geokv.gateway.health;

import java.util.Locale;

/** What is checked in each region; a region stops serving when any check but {@link #REDIS} fails. */
public enum Check {
    /** PostgreSQL answers a query: without it the region cannot serve. */
    POSTGRES(true),
    /** Redis answers a ping: without it the region serves from PostgreSQL, degraded. */
    REDIS(false),
    /** The region's Streams application has live members in its consumer group. */
    STREAMS(true),
    /** The region's replication lag is under the threshold. */
    LAG(true),
    /**
     * The region's own Kafka cluster answers: without it the region can neither take writes nor
     * replicate. Checked in the multi topology only: in the single topology every region shares one
     * cluster, whose outage fails no region over (there is nowhere better to go) and leaves reads served.
     */
    KAFKA(true);

    private final boolean required;

    Check(boolean required) {
        this.required = required;
    }

    /** Whether the region stops serving when this check fails. */
    public boolean required() {
        return required;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
