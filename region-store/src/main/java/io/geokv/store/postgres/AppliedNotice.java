package io.geokv.store.postgres;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The payload of a {@link GeokvNames#APPLIED_CHANNEL} notification: the applied offsets a commit
 * moved to ({@code topic:partition:offset,...}), so a listener can take them as they are instead of
 * reading the table again after every commit. An empty payload means "read again": offsets may have
 * gone back (a region was emptied for a replay) or did not fit.
 */
public final class AppliedNotice {

    /** PostgreSQL refuses payloads of 8000 bytes and more. */
    private static final int MAX_PAYLOAD = 7900;

    private AppliedNotice() {}

    /** The payload announcing {@code moved}; empty (read again) when it would not fit. */
    static String payload(LogPositions moved) {
        StringJoiner joined = new StringJoiner(",");
        for (Map.Entry<EventPartition, Long> e : moved.asMap().entrySet()) {
            joined.add(e.getKey().topic() + ":" + e.getKey().partition() + ":" + e.getValue());
        }
        String payload = joined.toString();
        return payload.length() > MAX_PAYLOAD ? "" : payload;
    }

    /**
     * The offsets a payload announces, each at least where it is now; empty when the listener must
     * read the table again (an empty or unreadable payload).
     */
    public static Optional<LogPositions> moved(String payload) {
        if (payload == null || payload.isEmpty()) {
            return Optional.empty();
        }
        LogPositions moved = LogPositions.empty();
        try {
            for (String entry : payload.split(",")) {
                int offsetAt = entry.lastIndexOf(':');
                int partitionAt = entry.lastIndexOf(':', offsetAt - 1);
                moved = moved.with(
                        new EventPartition(
                                entry.substring(0, partitionAt),
                                Integer.parseInt(entry.substring(partitionAt + 1, offsetAt))),
                        Long.parseLong(entry.substring(offsetAt + 1)));
            }
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
        return Optional.of(moved);
    }
}
