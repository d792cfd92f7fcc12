package io.geokv.gateway.history;

import io.geokv.conflict.Write;
import io.geokv.event.avro.KvEvent;
import java.time.Instant;

/**
 * One write of a key as its origin's log holds it.
 *
 * @param appendedAt its Kafka record timestamp: when its origin's gateway produced it
 */
public record LoggedWrite(KvEvent event, Write write, Instant appendedAt) {}
