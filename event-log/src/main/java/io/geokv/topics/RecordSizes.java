package io.geokv.topics;

import java.util.Map;

/**
 * Makes a Kafka client accept the records the key limits allow, without overriding a setting a user
 * chose: an unset size is set to what is needed, a size set too small fails the start with a message
 * that says what is needed. A record larger than its producer's {@code max.request.size} would
 * otherwise fail every time it is sent, and stop replication at it.
 */
public final class RecordSizes {

    private RecordSizes() {}

    /**
     * @param config client properties, changed in place
     * @param property the size property, e.g. {@code max.request.size} (with any client prefix)
     * @param needed the smallest value that fits the largest record
     * @throws IllegalStateException if the property is set below {@code needed}
     */
    public static void requireAtLeast(Map<? super String, Object> config, String property, long needed) {
        Object configured = config.get(property);
        if (configured == null) {
            config.put(property, (int) Math.min(Integer.MAX_VALUE, needed));
            return;
        }
        long value = Long.parseLong(configured.toString().trim());
        if (value < needed) {
            throw new IllegalStateException(property + " is configured as " + value + " bytes, but the key limits"
                    + " (geokv.limits.*) allow records of up to " + needed + " bytes: raise it or lower the limits");
        }
    }
}
