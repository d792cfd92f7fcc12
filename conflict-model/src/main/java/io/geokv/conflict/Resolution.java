package io.geokv.conflict;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** What a read of a key answers once its resolution policy has looked at the key's siblings. */
public sealed interface Resolution {

    /** Nothing to show: the key never received a value, or every surviving value is a delete. */
    record Absent() implements Resolution {}

    /**
     * One value.
     *
     * @param value the bytes to serve (copied on the way in and out)
     * @param contentType its content type, may be {@code null}
     */
    record Value(byte[] value, String contentType) implements Resolution {

        public Value {
            value = Objects.requireNonNull(value, "value").clone();
        }

        static Value of(Sibling sibling) {
            return new Value(sibling.rawValue(), sibling.contentType());
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return this == o
                    || (o instanceof Value v
                            && Arrays.equals(value, v.value)
                            && Objects.equals(contentType, v.contentType));
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(value) + Objects.hashCode(contentType);
        }

        @Override
        public String toString() {
            return "Value[" + Sibling.describe(value) + ", contentType=" + contentType + "]";
        }
    }

    /**
     * Concurrent values the policy leaves to the client to resolve: a write carrying the context of
     * the state they came from supersedes them all.
     *
     * @param siblings at least two values, none a delete, sorted by dot
     */
    record Conflict(List<Sibling> siblings) implements Resolution {

        public Conflict {
            siblings = List.copyOf(siblings);
            if (siblings.size() < 2) {
                throw new IllegalArgumentException("a conflict has at least two siblings, not " + siblings.size());
            }
        }
    }

    Absent ABSENT = new Absent();
}
