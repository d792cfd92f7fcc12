package io.geokv.conflict;

/**
 * Bounds on one key, like Riak's {@code max_siblings}, {@code warn_siblings} and object size limits:
 * what a value may weigh, how many siblings a key may keep and how large its merged state may grow.
 * Every process of a deployment must be configured with the same limits.
 *
 * <p>The sibling bound is enforced by the merge itself, deterministically: a write supersedes the
 * writes of its own origin region that lie {@link #siblingsPerOrigin()} or more places before it in
 * that origin's log, whether or not its writer had seen them (see {@link KeyState#receive(Write, int)}).
 * That rule depends only on the origin's log order, which every region sees identically, so every
 * region keeps the same siblings. It bounds the siblings of a key by {@code siblingsPerOrigin() *
 * regions}, and with the value limit, the encoded state by {@link #stateBytesBound()}, which is at
 * most {@code maxStateBytes}: whatever clients write, a merged state always fits the records that
 * carry it.
 *
 * <p>The bound on each sibling's overhead assumes what {@code EventValidator} enforces: event ids of
 * at most {@value #MAX_EVENT_ID_BYTES} bytes, content types of at most {@value #MAX_CONTENT_TYPE_BYTES}
 * bytes, region names of at most {@value #MAX_REGION_BYTES} bytes.
 *
 * @param maxValueBytes the largest value a write may carry
 * @param maxSiblings the most siblings a key may keep (split evenly between the regions)
 * @param warnSiblings above this many siblings the merge counts a warning
 * @param maxStateBytes the largest encoded merged state of a key
 * @param regions how many regions write
 */
public record KeyLimits(long maxValueBytes, int maxSiblings, int warnSiblings, long maxStateBytes, int regions) {

    public static final int MAX_EVENT_ID_BYTES = 128;
    public static final int MAX_CONTENT_TYPE_BYTES = 256;
    public static final int MAX_REGION_BYTES = 64;

    /** Encoded size of a sibling besides its value: dot, event id, content type, timestamp, lengths. */
    static final long SIBLING_OVERHEAD_BYTES = MAX_REGION_BYTES + MAX_EVENT_ID_BYTES + MAX_CONTENT_TYPE_BYTES + 64;

    /** Encoded size per region of the applied and covered vectors and the last event id, plus framing. */
    static final long REGION_OVERHEAD_BYTES = 3L * MAX_REGION_BYTES + MAX_EVENT_ID_BYTES + 64;

    public KeyLimits {
        if (regions < 1) {
            throw new IllegalArgumentException("at least one region is needed, not " + regions);
        }
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("the value limit must be positive, not " + maxValueBytes);
        }
        if (maxSiblings < regions) {
            throw new IllegalArgumentException("max-siblings (" + maxSiblings + ") must be at least the number"
                    + " of regions (" + regions + "): each region may keep one concurrent value");
        }
        if (warnSiblings < 1 || warnSiblings > maxSiblings) {
            throw new IllegalArgumentException(
                    "warn-siblings must be between 1 and max-siblings (" + maxSiblings + "), not " + warnSiblings);
        }
        long oneEach = regions * (REGION_OVERHEAD_BYTES + maxValueBytes + SIBLING_OVERHEAD_BYTES);
        if (maxStateBytes < oneEach) {
            throw new IllegalArgumentException("max-state-size (" + maxStateBytes + " bytes) must hold one value of "
                    + maxValueBytes + " bytes per region: at least " + oneEach + " bytes");
        }
    }

    /** How many unsuperseded writes of one origin a key keeps at most. */
    public int siblingsPerOrigin() {
        long bySize = (maxStateBytes - regions * REGION_OVERHEAD_BYTES)
                / (regions * (maxValueBytes + SIBLING_OVERHEAD_BYTES));
        return (int) Math.min(maxSiblings / regions, bySize);
    }

    /** The most siblings a key can have: {@code siblingsPerOrigin() * regions}, at most {@code maxSiblings}. */
    public int siblingsBound() {
        return siblingsPerOrigin() * regions;
    }

    /** An upper bound of a merged state's encoded size; at most {@code maxStateBytes}. */
    public long stateBytesBound() {
        return regions * REGION_OVERHEAD_BYTES + siblingsBound() * (maxValueBytes + SIBLING_OVERHEAD_BYTES);
    }

    /** An upper bound of an event's encoded size: its value, ids, context and Avro framing. */
    public long eventBytesBound() {
        return maxValueBytes + SIBLING_OVERHEAD_BYTES + regions * REGION_OVERHEAD_BYTES + 1024;
    }

    /**
     * What a Kafka record carrying an event must be allowed to weigh (producer {@code
     * max.request.size}, topic {@code max.message.bytes}): the event plus room for its record key,
     * headers and batch framing.
     */
    public long eventRecordBytes() {
        return eventBytesBound() + RECORD_HEADROOM_BYTES;
    }

    /** What a Kafka record carrying a merged state must be allowed to weigh. */
    public long stateRecordBytes() {
        return stateBytesBound() + RECORD_HEADROOM_BYTES;
    }

    /** Record key (tenant and key, at most 576 bytes), headers and batch framing, with room to spare. */
    static final long RECORD_HEADROOM_BYTES = 64 * 1024;
}
