package io.geokv.history;

/** What the merge rule does with one record of the log. */
public enum EventFate {
    /** It got a dot and is part of the key's state. */
    COUNTED,
    /** Its event id is that of the previous counted event of its origin: a repeated delivery, ignored. */
    DUPLICATE,
    /** Its context claims its own dot or a later one of its origin: dead-lettered, never counted. */
    REFUSED
}
