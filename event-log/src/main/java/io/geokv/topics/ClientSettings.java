package io.geokv.topics;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How geokv sets a Kafka client property on top of what a user configured ({@code spring.kafka.*}):
 * a tuning default only where the user set nothing, and a setting geokv's guarantees depend on
 * (acks, idempotence, exactly-once, isolation, its own group and application names, serializers)
 * always, refusing to start when the user set it otherwise. Nothing a user sets is silently replaced,
 * except the serializers and {@code isolation.level}: Spring Boot fills those in whatever the user
 * configures, so they are the code's own and set directly.
 */
public final class ClientSettings {

    private ClientSettings() {}

    /**
     * Has a consumer read committed events only: an aborted event is applied nowhere, so no reader
     * of the event topics may see one. Set directly ({@link ClientSettings}: Spring Boot always fills
     * in its read_uncommitted default, so a user's setting cannot be told from it).
     */
    public static void readCommitted(Map<? super String, Object> consumerConfig) {
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    /** Sets {@code property} to {@code value} unless the user configured it. */
    public static void defaultTo(Map<? super String, Object> config, String property, Object value) {
        if (config.get(property) == null) {
            config.put(property, value);
        }
    }

    /**
     * Sets {@code property} to {@code value}, which geokv needs.
     *
     * @param why what depends on it, for the message
     * @throws IllegalStateException if the user configured another value
     */
    public static void require(Map<? super String, Object> config, String property, Object value, String why) {
        Object configured = config.get(property);
        if (configured != null && !same(configured, value)) {
            throw new IllegalStateException(property + " is configured as '" + text(configured) + "', but geokv needs '"
                    + text(value) + "' (" + why + "): remove that setting");
        }
        config.put(property, value);
    }

    /**
     * Settings of a consumer that reads a few records at positions it seeks to: the user's consumer
     * settings without a group, without commits, reading raw bytes, and by default without fetches
     * that wait for records to arrive.
     */
    public static Map<String, Object> peekingConsumer(Map<String, Object> consumerBase) {
        Map<String, Object> props = new HashMap<>(consumerBase);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        // It reads records that are there. A fetch left waiting at the end of a partition it has just
        // read (the consumer fetches ahead) holds back the fetch of the next partition it seeks to,
        // by up to the broker's wait (500 ms by default) for each partition read in turn.
        defaultTo(props, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
        require(props, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, "it only peeks, without a group");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** The value of {@code property} as a number of milliseconds (what the client will use). */
    public static long millis(Map<? super String, Object> config, String property) {
        return Long.parseLong(text(config.get(property)).trim());
    }

    private static boolean same(Object configured, Object value) {
        return text(configured)
                .trim()
                .toLowerCase(Locale.ROOT)
                .equals(text(value).toLowerCase(Locale.ROOT));
    }

    private static String text(Object value) {
        return value instanceof Class<?> type ? type.getName() : String.valueOf(value);
    }
}
