package io.geokv.event;

import io.geokv.conflict.Expiry;
import io.geokv.conflict.KeyLimits;
import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a decoded event against the contract before it is applied. The Streams application sends
 * events with a violation to {@link EventTopics#DEAD_LETTERS} with the returned reason.
 */
public final class EventValidator {

    private EventValidator() {}

    /**
     * The first reason the event may not be applied, or empty if it is valid. An event without a
     * violation always converts with {@link KvEvents#toWrite}.
     *
     * @param event the decoded event
     * @param topicRegion the region of the topic the event was read from (see {@link
     *     EventTopics#regionOf}); null if the topic is not a region event topic
     * @param recordKey the Kafka record key the event was read with (null if it had none)
     * @param maxValueBytes the largest value accepted
     * @param regions the configured regions: a context may only count their events
     */
    public static Optional<String> violation(
            KvEvent event, String topicRegion, String recordKey, long maxValueBytes, Collection<String> regions) {
        if (event == null) {
            return Optional.of("event is missing (null record value)");
        }
        Optional<String> bad = InputRules.textViolation("eventId", event.getEventId(), KeyLimits.MAX_EVENT_ID_BYTES);
        if (bad.isPresent()) {
            return bad;
        }
        bad = InputRules.tenantViolation(event.getTenant());
        if (bad.isPresent()) {
            return bad;
        }
        bad = InputRules.keyViolation(event.getKey());
        if (bad.isPresent()) {
            return bad;
        }
        ByteBuffer value = event.getValue();
        if (value != null) {
            bad = InputRules.valueViolation(value.remaining(), maxValueBytes);
            if (bad.isPresent()) {
                return bad;
            }
        }
        bad = InputRules.textViolation("contentType", event.getContentType(), KeyLimits.MAX_CONTENT_TYPE_BYTES);
        if (bad.isPresent()) {
            return bad;
        }
        String origin = event.getOriginRegion();
        bad = InputRules.textViolation("originRegion", origin, KeyLimits.MAX_REGION_BYTES);
        if (bad.isPresent()) {
            return bad;
        }
        if (topicRegion == null) {
            return Optional.of(
                    "event was not read from a region topic (" + GeokvNames.EVENT_TOPIC_PREFIX + "<region>)");
        }
        if (!origin.equals(topicRegion)) {
            return Optional.of("originRegion "
                    + InputRules.quote(origin)
                    + " does not match the topic's region "
                    + InputRules.quote(topicRegion));
        }
        String expectedKey = EventTopics.recordKey(event.getTenant(), event.getKey());
        if (recordKey == null) {
            return Optional.of("record key is missing; expected " + InputRules.quote(expectedKey));
        }
        if (!recordKey.equals(expectedKey)) {
            return Optional.of("record key "
                    + InputRules.quote(recordKey)
                    + " does not match tenant/key "
                    + InputRules.quote(expectedKey));
        }
        bad = contextViolation(event.getContext(), regions);
        if (bad.isPresent()) {
            return bad;
        }
        if (event.getOriginTimestamp() < 0) {
            return Optional.of("originTimestamp must not be negative, got " + event.getOriginTimestamp());
        }
        if (event.getExpiresAt() != null) {
            return Expiry.violation(event.getExpiresAt()).map(reason -> "expiresAt: " + reason);
        }
        return Optional.empty();
    }

    /**
     * A causal context must list each configured region at most once with a non-negative counter,
     * and no other region (a context counts events of the deployment's regions only, which also bounds
     * the size of a merged state).
     */
    public static Optional<String> contextViolation(CausalContext context, Collection<String> regions) {
        if (context == null || context.getEntries() == null) {
            return Optional.of("context is missing");
        }
        Set<String> seen = new HashSet<>();
        for (ContextEntry entry : context.getEntries()) {
            if (entry == null || entry.getRegion() == null) {
                return Optional.of("context has an entry without a region");
            }
            Optional<String> unknown = InputRules.regionViolation(entry.getRegion(), regions);
            if (unknown.isPresent()) {
                return Optional.of("context names an " + unknown.get());
            }
            if (entry.getCounter() < 0) {
                return Optional.of("context counter for region "
                        + InputRules.quote(entry.getRegion())
                        + " must not be negative, got "
                        + entry.getCounter());
            }
            if (!seen.add(entry.getRegion())) {
                return Optional.of("context lists region " + InputRules.quote(entry.getRegion()) + " more than once");
            }
        }
        return Optional.empty();
    }
}
