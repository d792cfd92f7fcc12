package io.geokv.gateway.changes;

import io.geokv.event.avro.KvEvent;

/**
 * One write a region has applied, as its change feed delivers it.
 *
 * @param event the write's event, as its origin logged it
 * @param cursor where a follower resumes to get the changes after this one
 */
public record Change(KvEvent event, ChangeCursor cursor) {}
