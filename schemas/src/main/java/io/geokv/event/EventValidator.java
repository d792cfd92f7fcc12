package io.geokv.event;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
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
   */
  public static Optional<String> violation(
      KvEvent event, String topicRegion, String recordKey, long maxValueBytes) {
    if (event == null) {
      return Optional.of("event is missing (null record value)");
    }
    if (event.getEventId() == null || event.getEventId().isBlank()) {
      return Optional.of("eventId must not be blank");
    }
    if (!InputRules.isWellFormed(event.getEventId())) {
      return Optional.of("eventId is not valid Unicode (unpaired surrogate)");
    }
    Optional<String> bad = InputRules.tenantViolation(event.getTenant());
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
    if (event.getContentType() == null || event.getContentType().isBlank()) {
      return Optional.of("contentType must not be blank");
    }
    if (!InputRules.isWellFormed(event.getContentType())) {
      return Optional.of("contentType is not valid Unicode (unpaired surrogate)");
    }
    String origin = event.getOriginRegion();
    if (origin == null || origin.isBlank()) {
      return Optional.of("originRegion must not be blank");
    }
    if (!InputRules.isWellFormed(origin)) {
      return Optional.of("originRegion is not valid Unicode (unpaired surrogate)");
    }
    if (topicRegion == null) {
      return Optional.of(
          "event was not read from a region topic (" + EventTopics.PREFIX + "<region>)");
    }
    if (!origin.equals(topicRegion)) {
      return Optional.of(
          "originRegion "
              + InputRules.quote(origin)
              + " does not match the topic's region "
              + InputRules.quote(topicRegion));
    }
    String expectedKey = EventTopics.recordKey(event.getTenant(), event.getKey());
    if (recordKey == null) {
      return Optional.of("record key is missing; expected " + InputRules.quote(expectedKey));
    }
    if (!recordKey.equals(expectedKey)) {
      return Optional.of(
          "record key "
              + InputRules.quote(recordKey)
              + " does not match tenant/key "
              + InputRules.quote(expectedKey));
    }
    bad = contextViolation(event.getContext());
    if (bad.isPresent()) {
      return bad;
    }
    if (event.getOriginTimestamp() < 0) {
      return Optional.of(
          "originTimestamp must not be negative, got " + event.getOriginTimestamp());
    }
    return Optional.empty();
  }

  /** A causal context must list each non-blank region at most once with a non-negative counter. */
  public static Optional<String> contextViolation(CausalContext context) {
    if (context == null || context.getEntries() == null) {
      return Optional.of("context is missing");
    }
    Set<String> seen = new HashSet<>();
    for (ContextEntry entry : context.getEntries()) {
      if (entry == null || entry.getRegion() == null || entry.getRegion().isBlank()) {
        return Optional.of("context has an entry with a blank region");
      }
      if (!InputRules.isWellFormed(entry.getRegion())) {
        return Optional.of("context has a region that is not valid Unicode (unpaired surrogate)");
      }
      if (entry.getCounter() < 0) {
        return Optional.of(
            "context counter for region "
                + InputRules.quote(entry.getRegion())
                + " must not be negative, got "
                + entry.getCounter());
      }
      if (!seen.add(entry.getRegion())) {
        return Optional.of(
            "context lists region " + InputRules.quote(entry.getRegion()) + " more than once");
      }
    }
    return Optional.empty();
  }
}
