package io.geokv.naming;

import java.util.List;
import java.util.Optional;

/**
 * Every name geokv's processes agree on without talking to each other: topics, consumer groups,
 * Streams application ids, the PostgreSQL notification channel and connection names. Like
 * MirrorMaker 2's {@code ReplicationPolicy}, it is the one place such a name is made; a process that
 * spells one itself breaks the contract silently, so nothing else may.
 *
 * <p>Invariants (checked by {@code GeokvNamesTest}):
 * <ul>
 *   <li>{@link #regionOfEventTopic} inverts {@link #eventTopic};
 *   <li>no name of one region is a name of another region, and in a set of {@link
 *       #requireDistinguishable distinguishable} regions no region's connection names look like
 *       another's;
 *   <li>every topic name is a legal Kafka topic name for every legal region name.
 * </ul>
 */
public final class GeokvNames {

    /** The regions of a default deployment, in order. */
    public static final List<String> DEFAULT_REGIONS = List.of("us-east", "eu-west", "asia-pac");

    /** Prefix of every region's event topic. */
    public static final String EVENT_TOPIC_PREFIX = "kv-events.";

    /** Topic for events that cannot be decoded or fail validation; the reason is in the headers. */
    public static final String DEAD_LETTER_TOPIC = "kv-dead-letters";

    /**
     * Header of a record with its offset in the cluster of its origin region: set on every event
     * mirrored to another region's cluster (where it has an offset of its own), and on every dead
     * letter (with the other origin headers of the dead-letter topic).
     */
    public static final String ORIGIN_OFFSET_HEADER = "geokv.origin.offset";

    /**
     * Header of a mirrored placeholder for an event the target region may not hold (a resident
     * tenant's, data residency): no key and no value, only its origin offset, so that positions stay
     * exact; replication folds nothing for it. Its presence is the mark; its value is empty.
     */
    public static final String WITHHELD_HEADER = "geokv.withheld";

    /** PostgreSQL channel a region's replication notifies after each commit that moved its applied offsets. */
    public static final String APPLIED_CHANNEL = "geokv_applied";

    private static final String PROCESS_PREFIX = "geokv-";
    private static final int MAX_TOPIC_LENGTH = 249;

    private GeokvNames() {}

    /**
     * Checks that {@code region} can be part of every name: lower-case letters, digits and '-' (no '.',
     * which would make {@code kv-events.a.b} ambiguous), short enough for Kafka's topic limit.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireRegionName(String region) {
        int longestPrefix = EVENT_TOPIC_PREFIX.length();
        if (region == null || !isRegionName(region) || longestPrefix + region.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("region name must match [a-z0-9-]+ and have at most "
                    + (MAX_TOPIC_LENGTH - longestPrefix) + " characters, but was "
                    + (region == null ? "null" : "'" + region + "'"));
        }
        return region;
    }

    /**
     * Checks that no region's names with a suffix (connection names {@code geokv-<region>-<purpose>})
     * could be taken for another's: that happens when one name plus '-' starts another ({@code us}
     * and {@code us-east}).
     *
     * @throws IllegalArgumentException naming the two regions otherwise
     */
    public static void requireDistinguishable(List<String> regions) {
        for (String a : regions) {
            for (String b : regions) {
                if (!a.equals(b) && b.startsWith(a + "-")) {
                    throw new IllegalArgumentException(
                            "regions '" + a + "' and '" + b + "' cannot both be configured: the"
                                    + " names of " + streamsApplicationId(b) + " would look like those of "
                                    + streamsApplicationId(a));
                }
            }
        }
    }

    /** Whether {@link #requireDistinguishable} accepts {@code regions}. */
    public static boolean distinguishable(List<String> regions) {
        try {
            requireDistinguishable(regions);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The topic of the events that originate in {@code region}: {@code kv-events.<region>}. */
    public static String eventTopic(String region) {
        return EVENT_TOPIC_PREFIX + requireRegionName(region);
    }

    /**
     * In another region's cluster (the multi topology), MirrorMaker 2's heartbeats mirrored from {@code
     * origin}'s cluster: {@code <origin>.heartbeats}. Its replication policy names a mirrored heartbeat
     * topic after the cluster it came from, whose alias is the region's name; its newest record tells
     * how long ago the mirror link from {@code origin} last carried anything, busy or idle.
     */
    public static String mirroredHeartbeatsTopic(String origin) {
        return requireRegionName(origin) + ".heartbeats";
    }

    /** The region whose events {@code topic} holds, or empty if it is not an event topic. */
    public static Optional<String> regionOfEventTopic(String topic) {
        if (topic == null || !topic.startsWith(EVENT_TOPIC_PREFIX)) {
            return Optional.empty();
        }
        String region = topic.substring(EVENT_TOPIC_PREFIX.length());
        return isRegionName(region) ? Optional.of(region) : Optional.empty();
    }

    /** {@code [a-z0-9-]+}, as a loop: a record's topic is mapped to its region for every record applied. */
    private static boolean isRegionName(String region) {
        if (region.isEmpty()) {
            return false;
        }
        for (int i = 0; i < region.length(); i++) {
            char c = region.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The application id of {@code region}'s Kafka Streams application: also its consumer group. */
    public static String streamsApplicationId(String region) {
        return PROCESS_PREFIX + requireRegionName(region);
    }

    /**
     * The name a connection pool of {@code region} gives itself, and that PostgreSQL shows in {@code
     * pg_stat_activity}: {@code geokv-<region>[-<purpose>]}.
     */
    public static String connectionName(String region, String purpose) {
        String base = PROCESS_PREFIX + requireRegionName(region);
        return purpose.isEmpty() ? base : base + "-" + purpose;
    }

    /**
     * The PostgreSQL database of {@code region} when none is configured: the prefix (default {@code
     * geokv_}) plus the region name, SQL-identifier friendly.
     */
    public static String database(String prefix, String region) {
        return prefix + requireRegionName(region).replace('-', '_');
    }
}
