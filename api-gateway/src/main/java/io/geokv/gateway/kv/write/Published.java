package io.geokv.gateway.kv.write;

import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.WriteResult;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.position.EventPartition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A write Kafka has acknowledged, with the context it was based on, the timestamp it carries and
 * its expiry ({@link io.geokv.conflict.Sibling#NEVER} when it has none).
 */
record Published(
        String eventId, KeyRef key, VersionVector context, long timestamp, long expiresAt, RecordMetadata position) {

    /** When the write's value expires, if it does. */
    Optional<Instant> expiry() {
        return expiresAt == Sibling.NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAt));
    }

    /** The session's positions, now covering this write. */
    SessionPositions positions(SessionPositions session) {
        return session.withWrite(
                new EventPartition(position.topic(), position.partition()), position.offset(), timestamp);
    }

    /** What a client is told once Kafka has the write (eventual and session writes return here). */
    WriteResult result(ClientTokens tokens, SessionPositions session, Consistency level) {
        SessionPositions covered = positions(session);
        return new WriteResult(
                eventId,
                tokens.context(context, key.tenant(), key.key()),
                tokens.session(covered, key.tenant()),
                covered,
                level,
                List.of(),
                expiry());
    }
}
