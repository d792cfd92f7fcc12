package io.geokv.gateway.session;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a session has written and seen: for each event topic partition, the offset just past the
 * session's latest write there (or what its reads have seen). A region has applied the session's
 * writes when its applied positions cover {@link #positions()}. This is the payload of the {@code
 * X-Session} token.
 *
 * <p>It also carries the session's {@link #clock() clock}: the highest hybrid logical clock timestamp
 * of its writes. A gateway observes it before stamping the session's next write, so that write wins
 * under last-writer-wins over the session's earlier ones even when it goes through a gateway whose
 * wall clock is behind.
 */
public final class SessionPositions {

    private static final SessionPositions EMPTY = new SessionPositions(LogPositions.empty(), 0);

    private final LogPositions next;
    private final long clock;

    private SessionPositions(LogPositions next, long clock) {
        this.next = next;
        this.clock = clock;
    }

    public static SessionPositions empty() {
        return EMPTY;
    }

    /** These positions and a write at {@code offset} of {@code partition}, stamped {@code timestamp}. */
    public SessionPositions withWrite(EventPartition partition, long offset, long timestamp) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        return new SessionPositions(next.with(partition, offset + 1), Math.max(clock, timestamp));
    }

    /**
     * These positions and everything a read of the session has seen: per partition, at least {@code
     * seen}. A later read must then be served by a region that has applied as much, which is what
     * makes the session's reads monotonic even when they are served by different regions.
     */
    public SessionPositions withSeen(LogPositions seen) {
        return new SessionPositions(next.join(seen), clock);
    }

    /** What both sessions have written and seen: a token that covers each of them. */
    public SessionPositions join(SessionPositions other) {
        return new SessionPositions(next.join(other.next), Math.max(clock, other.clock));
    }

    /** The highest timestamp of the session's writes; 0 for a session without writes. */
    public long clock() {
        return clock;
    }

    /** What a region must have applied to have applied every write of the session (and all it has seen). */
    public LogPositions positions() {
        return next;
    }

    /** URL-safe text: base64url of {@code clock|topic/partition/next;...}, sorted. */
    public String encode() {
        String text = clock + "|"
                + next.asMap().entrySet().stream()
                        .map(e -> e.getKey().topic() + "/" + e.getKey().partition() + "/" + e.getValue())
                        .collect(Collectors.joining(";"));
        return TokenText.encode(text);
    }

    /**
     * @throws IllegalArgumentException if {@code encoded} is not what {@link #encode} makes
     */
    public static SessionPositions decode(String encoded) {
        String text = TokenText.decode(encoded);
        int bar = text.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("no clock");
        }
        long clock;
        try {
            clock = Long.parseLong(text.substring(0, bar));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed clock", e);
        }
        String entries = text.substring(bar + 1);
        TreeMap<EventPartition, Long> next = new TreeMap<>();
        if (!entries.isEmpty()) {
            for (String entry : entries.split(";", -1)) {
                String[] parts = entry.split("/", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("entry '" + entry + "' is not topic/partition/offset");
                }
                try {
                    long offset = Long.parseLong(parts[2]);
                    if (offset <= 0
                            || next.put(new EventPartition(parts[0], Integer.parseInt(parts[1])), offset) != null) {
                        throw new IllegalArgumentException("entry '" + entry + "' is repeated or has no write");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("entry '" + entry + "' has a malformed number", e);
                }
            }
        }
        if (clock < 0) {
            throw new IllegalArgumentException("negative clock");
        }
        SessionPositions decoded = new SessionPositions(LogPositions.of(next), clock);
        if (!decoded.encode().equals(encoded)) {
            throw new IllegalArgumentException("not in canonical form");
        }
        return decoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionPositions p && next.equals(p.next) && clock == p.clock;
    }

    @Override
    public int hashCode() {
        return 31 * next.hashCode() + Long.hashCode(clock);
    }

    @Override
    public String toString() {
        return "SessionPositions" + next + "@" + clock;
    }
}
