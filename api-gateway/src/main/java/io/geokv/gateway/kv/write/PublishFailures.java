package io.geokv.gateway.kv.write;

import io.geokv.gateway.kv.KvProblem;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What a client is told when Kafka did not acknowledge a write. "Not applied" only when the record
 * certainly never reached a broker: refused by the producer or the broker outright, or never sent
 * because the topic's metadata could not be fetched. Anything else (a delivery timeout, a lost
 * connection, an unknown error) can follow an append whose acknowledgement was lost: the outcome is
 * unknown, and the answer carries the event id so the client can find out.
 */
final class PublishFailures {

    private PublishFailures() {}

    static KvProblem problem(String key, String eventId, Throwable e) {
        if (neverSent(e)) {
            return KvProblem.unavailable(
                    "kafka-unavailable",
                    "Kafka did not take the write of key '" + key + "' (" + e.getMessage() + "); it was not applied");
        }
        return KvProblem.unavailable(
                        "outcome-unknown",
                        "Kafka did not confirm the write of key '"
                                + key + "' (" + e.getMessage()
                                + "): it may or may not have been applied; read the key, or look"
                                + " for event_id on the region's topic, before writing it again")
                .with("event_id", eventId);
    }

    /** The producer waits for the topic's metadata before it queues a record: that timeout means never sent. */
    private static boolean neverSent(Throwable e) {
        return e instanceof RecordTooLargeException
                || e instanceof SerializationException
                || e instanceof InvalidTopicException
                || e instanceof AuthorizationException
                || (e instanceof TimeoutException
                        && String.valueOf(e.getMessage()).contains("not present in metadata"));
    }
}
