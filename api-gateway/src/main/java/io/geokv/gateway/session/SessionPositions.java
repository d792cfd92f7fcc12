package io.geokv.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a session has written: for each event topic partition, the offset just past the session's
 * latest write there. A region has applied the session's writes when its applied offsets (the
 * {@code applied_offsets} table, written in the same transaction as the rows) reach every one of
 * them. This is the payload of the {@code X-Session} token.
 */
public final class SessionPositions {

    /** A partition of an event topic. */
    public record Partition(String topic, int partition) implements Comparable<Partition> {

        public Partition {
            if (!TOPIC.matcher(Objects.requireNonNull(topic, "topic")).matches()) {
                throw new IllegalArgumentException("not a Kafka topic name: '" + topic + "'");
            }
            if (partition < 0) {
                throw new IllegalArgumentException("negative partition " + partition);
            }
        }

        @Override
        public int compareTo(Partition o) {
            int byTopic = topic.compareTo(o.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, o.partition);
        }
    }

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final SessionPositions EMPTY = new SessionPositions(new TreeMap<>());

    private final SortedMap<Partition, Long> next;

    private SessionPositions(TreeMap<Partition, Long> next) {
        this.next = Collections.unmodifiableSortedMap(next);
    }

    public static SessionPositions empty() {
        return EMPTY;
    }

    /** These positions and a write at {@code offset} of {@code partition}. */
    public SessionPositions withWrite(Partition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        TreeMap<Partition, Long> joined = new TreeMap<>(next);
        joined.merge(partition, offset + 1, Math::max);
        return new SessionPositions(joined);
    }

    /** Per partition, the offset a region must have applied up to (exclusive); unmodifiable. */
    public SortedMap<Partition, Long> nextOffsets() {
        return next;
    }

    /**
     * Whether a region that has applied each partition up to {@code appliedNext} (exclusive; missing
     * partitions have applied nothing) has applied every write of the session.
     */
    public boolean appliedBy(Map<Partition, Long> appliedNext) {
        return next.entrySet().stream()
                .allMatch(e -> appliedNext.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** URL-safe text: base64url of {@code topic/partition/next;...}, sorted. */
    public String encode() {
        String text = next.entrySet().stream()
                .map(e -> e.getKey().topic() + "/" + e.getKey().partition() + "/" + e.getValue())
                .collect(Collectors.joining(";"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws IllegalArgumentException if {@code encoded} is not what {@link #encode} makes
     */
    public static SessionPositions decode(String encoded) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64url", e);
        }
        TreeMap<Partition, Long> next = new TreeMap<>();
        if (!text.isEmpty()) {
            for (String entry : text.split(";", -1)) {
                String[] parts = entry.split("/", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("entry '" + entry + "' is not topic/partition/offset");
                }
                try {
                    long offset = Long.parseLong(parts[2]);
                    if (offset <= 0 || next.put(new Partition(parts[0], Integer.parseInt(parts[1])), offset) != null) {
                        throw new IllegalArgumentException("entry '" + entry + "' is repeated or has no write");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("entry '" + entry + "' has a malformed number", e);
                }
            }
        }
        SessionPositions decoded = new SessionPositions(next);
        if (!decoded.encode().equals(encoded)) {
            throw new IllegalArgumentException("not in canonical form");
        }
        return decoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionPositions p && next.equals(p.next);
    }

    @Override
    public int hashCode() {
        return next.hashCode();
    }

    @Override
    public String toString() {
        return "SessionPositions" + next;
    }
}
