package io.geokv.gateway.kv.read;

import io.geokv.gateway.kv.KvProblem;
import io.lettuce.core.RedisException;
import io.r2dbc.spi.R2dbcException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * A read that failed because a region's PostgreSQL or Redis is away: refused or closed connections,
 * timeouts, a pool that cannot hand out a connection (while a database restarts, say). That is no
 * fault of the request, so it answers 503 naming the region rather than 500; the health checks
 * then route reads elsewhere. Anything else (a stored state that cannot be decoded) stays a 500.
 */
final class StoreUnavailable {

    private StoreUnavailable() {}

    /** Whether the failure, or any failure that caused it, is a store being unreachable. */
    static boolean is(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof R2dbcException
                    || e instanceof RedisException
                    || e instanceof IOException
                    || e instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    static KvProblem problem(String region, Throwable failure) {
        return KvProblem.unavailable(
                "region-store-unavailable",
                "region " + region + "'s store could not be read (" + failure.getMessage() + "); retry shortly");
    }
}
