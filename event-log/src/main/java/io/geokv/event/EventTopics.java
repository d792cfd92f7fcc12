package io.geokv.event;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Record keys of the event log and the partition they land in (topic names are
 * {@link io.geokv.naming.GeokvNames}'s).
 *
 * <p>The record key is {@code tenant/key}, so the events of one key from one origin are in one
 * partition and every region sees them in the same order.
 */
public final class EventTopics {

    /** Separator between tenant and key in a record key. Tenants cannot contain it. */
    public static final char RECORD_KEY_SEPARATOR = '/';

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
