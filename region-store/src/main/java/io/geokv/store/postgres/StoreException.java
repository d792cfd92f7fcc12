package io.geokv.store.postgres;

import java.sql.SQLException;
import java.util.Set;

/** A region's PostgreSQL could not be reached or refused an operation; the message names the region. */
public class StoreException extends RuntimeException {

    /**
     * SQLSTATE classes of failures that may pass on their own: connection exceptions, transaction
     * rollbacks (serialization failures, deadlocks), insufficient resources, operator intervention
     * (a restart), system errors, and object in use (lock not available).
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "55", "57", "58");

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether retrying the same operation may succeed. Only a failure PostgreSQL itself reported with a
     * SQLSTATE outside the transient classes (bad data, a violated constraint) is known to fail again;
     * anything else (no SQLSTATE, a pool timeout, a driver error) is treated as transient, so that
     * nothing is given up on while the database is merely away.
     */
    public boolean isTransient() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().length() >= 2) {
                return TRANSIENT_CLASSES.contains(sql.getSQLState().substring(0, 2));
            }
        }
        return true;
    }
}
