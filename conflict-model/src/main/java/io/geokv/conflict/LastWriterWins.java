package io.geokv.conflict;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code lww} resolution policy: among the siblings, the one with the highest hybrid logical
 * clock timestamp wins; ties go to the highest origin region id, then to the highest event id.
 * It only looks at the siblings, so every region holding the same state picks the same winner.
 */
public final class LastWriterWins implements SiblingResolver {

    /**
     * Ascending order of precedence: timestamp, then region id, then event id (then the dot, to
     * make it total). The winner is the greatest element.
     */
    public static final Comparator<Sibling> ORDER = Comparator.comparingLong(Sibling::timestamp)
            .thenComparing((Sibling s) -> s.dot().region())
            .thenComparing(Sibling::eventId)
            .thenComparing(Sibling::dot);

    /** The winner's value; the key reads as absent when the winner is a delete. */
    @Override
    public Resolution resolve(List<Sibling> siblings) {
        return winner(siblings)
                .filter(winner -> !winner.isTombstone())
                .<Resolution>map(Resolution.Value::of)
                .orElse(Resolution.ABSENT);
    }

    /**
     * The winning sibling, empty when there is none. It may be a tombstone, in which case the key
     * reads as deleted.
     */
    public static Optional<Sibling> winner(Collection<Sibling> siblings) {
        Objects.requireNonNull(siblings, "siblings");
        return siblings.stream().max(ORDER);
    }
}
