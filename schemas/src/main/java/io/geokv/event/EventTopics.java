package io.geokv.event;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Names of the Kafka topics and record keys of the event log.
 *
 * <p>Each region writes the events that originate there to {@code kv-events.<region>}; every
 * region's Streams application consumes all of them. The record key is {@code tenant/key}, so the
 * events of one key from one origin are in one partition and every region sees them in the same
 * order.
 */
public final class EventTopics {

  /** Prefix of every region's event topic. */
  public static final String PREFIX = "kv-events.";

  /** Topic for events that cannot be decoded or fail validation; the reason is in the headers. */
  public static final String DEAD_LETTERS = "kv-dead-letters";

  /** Separator between tenant and key in a record key. Tenants cannot contain it. */
  public static final char RECORD_KEY_SEPARATOR = '/';

  private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_TOPIC_LENGTH = 249;

  private EventTopics() {}

  /** A record key split into its tenant and key. */
  public record RecordKey(String tenant, String key) {
    public RecordKey {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(key, "key");
    }

    /** The record key as it appears on Kafka: {@code tenant/key}. */
    @Override
    public String toString() {
      return recordKey(tenant, key);
    }
  }

  /**
   * The event topic of a region: {@code kv-events.<region>}.
   *
   * @throws IllegalArgumentException if the region is blank or cannot be part of a Kafka topic name
   */
  public static String forRegion(String region) {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region must not be blank");
    }
    if (!TOPIC_CHARS.matcher(region).matches()
        || PREFIX.length() + region.length() > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException(
          "region "
              + InputRules.quote(region)
              + " cannot be part of a Kafka topic name: use at most "
              + (MAX_TOPIC_LENGTH - PREFIX.length())
              + " letters, digits, '.', '_' and '-'");
    }
    return PREFIX + region;
  }

  /** The region whose events a topic holds, or empty if it is not a region event topic. */
  public static Optional<String> regionOf(String topic) {
    if (topic == null || !topic.startsWith(PREFIX) || topic.length() == PREFIX.length()) {
      return Optional.empty();
    }
    String region = topic.substring(PREFIX.length());
    return region.isBlank() ? Optional.empty() : Optional.of(region);
  }

  /**
   * The Kafka record key of an event: {@code tenant + "/" + key}.
   *
   * @throws IllegalArgumentException if the tenant is null or contains '/'
   * @throws NullPointerException if the key is null
   */
  public static String recordKey(String tenant, String key) {
    Objects.requireNonNull(key, "key");
    if (tenant == null || tenant.indexOf(RECORD_KEY_SEPARATOR) >= 0) {
      throw new IllegalArgumentException("tenant must be present and must not contain '/'");
    }
    return tenant + RECORD_KEY_SEPARATOR + key;
  }

  /**
   * The partition Kafka's default partitioner gives {@code recordKey} in a topic of {@code
   * partitions}: where every event of that key from one origin lands, so every region counts the
   * key's dots in the same order.
   */
  public static int partitionOf(String recordKey, int partitions) {
    return BuiltInPartitioner.partitionForKey(recordKey.getBytes(StandardCharsets.UTF_8), partitions);
  }

  /**
   * Splits a record key at its first '/' (keys may themselves contain '/'). Empty if there is no
   * '/' or the tenant part is empty.
   */
  public static Optional<RecordKey> parseRecordKey(String recordKey) {
    if (recordKey == null) {
      return Optional.empty();
    }
    int slash = recordKey.indexOf(RECORD_KEY_SEPARATOR);
    if (slash <= 0) {
      return Optional.empty();
    }
    return Optional.of(new RecordKey(recordKey.substring(0, slash), recordKey.substring(slash + 1)));
  }
}
