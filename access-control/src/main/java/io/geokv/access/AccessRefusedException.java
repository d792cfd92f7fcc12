package io.geokv.access;

/** A request the caller's grant does not allow (HTTP 403). */
public final class AccessRefusedException extends RuntimeException {

    public AccessRefusedException(String message) {
        super(message);
    }
}
