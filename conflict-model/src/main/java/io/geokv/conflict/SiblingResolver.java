package io.geokv.conflict;

import java.util.List;

/**
 * A resolution policy: turns the siblings of a key into what a read answers. Resolution happens when
 * a key is read, never when events are merged, so the stored state keeps every value and a policy can
 * change without rewriting anything.
 *
 * <p>Implementations must be pure functions of their argument (no clock, no randomness, no I/O):
 * every region holding the same events holds the same siblings and must answer the same.
 */
@FunctionalInterface
public interface SiblingResolver {

    /**
     * @param siblings the key's siblings, tombstones included, sorted by dot (see {@link KeyState#siblings()})
     */
    Resolution resolve(List<Sibling> siblings);

    /** The values among {@code siblings}, deletes left out. */
    static List<Sibling> live(List<Sibling> siblings) {
        return siblings.stream().filter(s -> !s.isTombstone()).toList();
    }
}
