package io.geokv.conflict;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A thread-safe hybrid logical clock. A timestamp is {@code (physicalMillis << 16) | logical},
 * with a 16-bit logical counter; when the counter overflows it carries into the physical part,
 * which keeps timestamps strictly increasing.
 */
public final class HybridLogicalClock {

    /** The largest wall clock value the layout can hold (2^47 - 1 ms, about year 6429). */
    static final long MAX_PHYSICAL_MILLIS = (1L << 47) - 1;

    private final LongSupplier wallClockMillis;
    private final AtomicLong last = new AtomicLong(0);

    /** A clock over the given wall clock (milliseconds since the epoch). */
    public HybridLogicalClock(LongSupplier wallClockMillis) {
        this.wallClockMillis = Objects.requireNonNull(wallClockMillis, "wallClockMillis");
    }

    /** A clock over {@link System#currentTimeMillis()}. */
    public HybridLogicalClock() {
        this(System::currentTimeMillis);
    }

    /**
     * A new timestamp, strictly greater than every timestamp this clock returned or observed
     * before, and at least the current wall clock.
     *
     * @throws IllegalStateException if the wall clock is beyond the layout's range
     */
    public long tick() {
        long physical = Math.max(0, wallClockMillis.getAsLong());
        if (physical > MAX_PHYSICAL_MILLIS) {
            throw new IllegalStateException("wall clock out of range: " + physical);
        }
        long floor = physical << 16;
        return last.updateAndGet(previous -> {
            if (previous == Long.MAX_VALUE) {
                throw new IllegalStateException("hybrid logical clock exhausted");
            }
            return Math.max(previous + 1, floor);
        });
    }

    /** The wall clock this clock runs over, in milliseconds since the epoch (what expiries are compared with). */
    public long wallClockMillis() {
        return wallClockMillis.getAsLong();
    }

    /** Takes a timestamp seen from elsewhere into account: later ticks are greater than it. */
    public void observe(long remoteTimestamp) {
        last.accumulateAndGet(remoteTimestamp, Math::max);
    }

    /** The physical (wall clock millisecond) part of a timestamp. */
    public static long physicalMillis(long hlc) {
        return hlc >>> 16;
    }

    /** The logical counter part of a timestamp. */
    public static int logical(long hlc) {
        return (int) (hlc & 0xFFFF);
    }
}
