package io.geokv.store.postgres;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The PostgreSQL settings of every session geokv opens on a region's database (JDBC and R2DBC alike),
 * sent in the connection's startup packet.
 *
 * <p>{@code plan_cache_mode=force_custom_plan}: every statement is planned for its own parameters and
 * the table as it is now. geokv's statements are prepared once per connection and run for the
 * connection's whole life, while {@code kv_state} grows from empty (a new region, a replay) to
 * millions of rows. With the default ({@code auto}), PostgreSQL settles on a generic plan after five
 * executions and keeps it until the table's statistics change; a plan made while the table was
 * nearly empty joins the looked-up keys to a sequential scan of the whole table, and keeps doing so
 * as the table grows until an {@code ANALYZE} replaces it, which never happens where autovacuum is
 * off. Measured on the bench: with a generic plan cached on an empty table, a blind write's
 * write-base lookup took 40 to 75 ms at 65,000 rows (a scan per lookup) instead of well under a
 * millisecond, and the gateway carried 700 writes/s instead of thousands. Planning each execution
 * costs about 10 µs of the server's CPU for these statements.
 */
public final class SessionSettings {

    /** Setting name to value. */
    public static final Map<String, String> OPTIONS = Map.of("plan_cache_mode", "force_custom_plan");

    private SessionSettings() {}

    /** The same settings as a libpq/JDBC {@code options} value: {@code -c name=value ...}. */
    public static String asOptionsParameter() {
        return OPTIONS.entrySet().stream()
                .map(e -> "-c " + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
