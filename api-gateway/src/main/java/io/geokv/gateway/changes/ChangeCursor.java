package io.geokv.gateway.changes;

import io.geokv.gateway.session.TokenText;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a follower of a region's change feed is: per event partition of the region's own Kafka
 * cluster, the next offset to read there ({@code read}) and the next origin offset not yet delivered
 * ({@code origin}; equal to {@code read} except in mirrored copies of the multi topology, where a
 * re-sent copy is recognized by its origin offset). A change is delivered once its region has
 * applied it, so the feed restarted from a cursor misses nothing and repeats nothing. A cursor is
 * only meaningful in its region.
 */
public record ChangeCursor(String region, AppliedPositions positions) {

    /** URL-safe text: base64url of {@code region|topic/partition/read/origin;...}, sorted. */
    public String encode() {
        StringBuilder text = new StringBuilder(region).append('|');
        String separator = "";
        for (Map.Entry<EventPartition, Long> e : positions.read().asMap().entrySet()) {
            EventPartition partition = e.getKey();
            text.append(separator)
                    .append(partition.topic())
                    .append('/')
                    .append(partition.partition())
                    .append('/')
                    .append(e.getValue())
                    .append('/')
                    .append(positions.origin().next(partition));
            separator = ";";
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if {@code encoded} is not what {@link #encode} makes */
    public static ChangeCursor decode(String encoded) {
        String text = TokenText.decode(encoded);
        int bar = text.indexOf('|');
        if (bar < 1) {
            throw new IllegalArgumentException("no region");
        }
        TreeMap<EventPartition, Long> read = new TreeMap<>();
        TreeMap<EventPartition, Long> origin = new TreeMap<>();
        String entries = text.substring(bar + 1);
        if (!entries.isEmpty()) {
            for (String entry : entries.split(";", -1)) {
                String[] parts = entry.split("/", -1);
                if (parts.length != 4) {
                    throw new IllegalArgumentException("entry '" + entry + "' is not topic/partition/read/origin");
                }
                try {
                    EventPartition partition = new EventPartition(parts[0], Integer.parseInt(parts[1]));
                    long readNext = Long.parseLong(parts[2]);
                    long originNext = Long.parseLong(parts[3]);
                    if (readNext < 0 || originNext < 0 || read.put(partition, readNext) != null) {
                        throw new IllegalArgumentException("entry '" + entry + "' is repeated or negative");
                    }
                    origin.put(partition, originNext);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("entry '" + entry + "' has a malformed number", e);
                }
            }
        }
        ChangeCursor decoded = new ChangeCursor(
                text.substring(0, bar), new AppliedPositions(LogPositions.of(read), LogPositions.of(origin)));
        if (!decoded.encode().equals(encoded)) {
            throw new IllegalArgumentException("not in canonical form");
        }
        return decoded;
    }
}
