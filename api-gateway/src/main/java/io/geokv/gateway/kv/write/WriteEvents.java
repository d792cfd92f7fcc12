package io.geokv.gateway.kv.write;

import io.geokv.conflict.Expiry;
import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.EventValidator;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.store.postgres.WriteBase;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** Turns a write into the event on its region's topic, and publishes it. */
final class WriteEvents {

    private final EventPublisher publisher;
    private final HybridLogicalClock clock;
    private final KeyLimits limits;
    private final List<String> regions;

    WriteEvents(EventPublisher publisher, HybridLogicalClock clock, KeyLimits limits, List<String> regions) {
        this.publisher = publisher;
        this.clock = clock;
        this.limits = limits;
        this.regions = regions;
    }

    /** {@link #send} of the {@link #event} of the write. */
    Mono<Published> publish(WriteRequest write, KeyState state, VersionVector context) {
        return send(write, context, event(write, state, context));
    }

    /** {@link #send} of the event of a write without a context of its own: it supersedes {@code base}. */
    Mono<Published> publish(WriteRequest write, WriteBase base) {
        return send(write, base.context(), event(write, List.of(), base.newestTimestamp(), base.context()));
    }

    /**
     * The event of the write based on {@code context}, once it is within the key's limits given the
     * region's current {@code state}. Its timestamp is after every timestamp of that state and of the
     * session, so under last-writer-wins a client's later write wins over what it has written or read,
     * whatever the skew between gateways' clocks.
     */
    KvEvent event(WriteRequest write, KeyState state, VersionVector context) {
        List<Sibling> kept =
                state.siblings().stream().filter(s -> !context.covers(s.dot())).toList();
        return event(write, kept, WriteBase.of(state).newestTimestamp(), context);
    }

    /** @param kept the siblings of the current state that the write's context does not cover */
    private KvEvent event(WriteRequest write, List<Sibling> kept, long newestTimestamp, VersionVector context) {
        checkLimits(kept, write);
        clock.observe(newestTimestamp);
        clock.observe(write.session().clock());
        KeyRef key = write.key();
        long timestamp = clock.tick();
        long expiresAt = write.ttlSeconds().isPresent()
                ? Expiry.after(timestamp, write.ttlSeconds().getAsLong())
                : Sibling.NEVER;
        KvEvent event = KvEvents.newEvent(
                UUID.randomUUID().toString(),
                key.tenant(),
                key.key(),
                write.value(),
                write.contentType(),
                write.region(),
                context,
                timestamp,
                expiresAt);
        EventValidator.violation(
                        event,
                        write.region(),
                        EventTopics.recordKey(key.tenant(), key.key()),
                        limits.maxValueBytes(),
                        regions)
                .ifPresent(violation -> {
                    throw KvProblem.invalid("invalid-write", violation);
                });
        return event;
    }

    Mono<Published> send(WriteRequest write, VersionVector context, KvEvent event) {
        String eventId = event.getEventId();
        return publisher
                .publish(event)
                .map(position -> new Published(
                        eventId,
                        write.key(),
                        context,
                        event.getOriginTimestamp(),
                        event.getExpiresAt() == null ? Sibling.NEVER : event.getExpiresAt(),
                        position))
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> PublishFailures.problem(write.key().key(), eventId, e));
    }

    /**
     * The key keeps at most the limits' siblings and state size: a write that would add a sibling
     * beyond them (its context leaves too many current values uncovered) is refused with a conflict,
     * so that the client resolves it first. Blind writes cover the region's whole state and never are.
     */
    private void checkLimits(List<Sibling> kept, WriteRequest write) {
        if (kept.size() + 1 > limits.siblingsBound()) {
            throw KvProblem.of(
                    KvProblem.Kind.CONFLICT,
                    "too-many-siblings",
                    "key '" + write.key() + "' already has "
                            + kept.size() + " concurrent values this write's context does not cover, and keeps at most "
                            + limits.siblingsBound() + ": read it and write with its X-Context to resolve them");
        }
        long bytes = (write.value() == null ? 0 : write.value().length)
                + kept.stream().mapToLong(Sibling::valueLength).sum();
        if (bytes > limits.maxStateBytes()) {
            throw KvProblem.of(
                    KvProblem.Kind.CONFLICT,
                    "state-too-large",
                    "key '" + write.key() + "' would hold "
                            + bytes + " bytes of concurrent values, more than the limit of " + limits.maxStateBytes()
                            + ": read it and write with its X-Context to resolve them");
        }
    }
}
