package io.geokv.store.postgres;

/** A region's PostgreSQL could not be reached or refused an operation; the message names the region. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
