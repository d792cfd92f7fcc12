package io.geokv.conflict;

/** How two causal histories relate; see {@link VersionVector#compare(VersionVector)}. */
public enum Causality {
    /** Both histories are the same. */
    EQUAL,
    /** This history is a strict prefix of the other: the other happened after it. */
    BEFORE,
    /** The other history is a strict prefix of this one. */
    AFTER,
    /** Neither contains the other: concurrent. */
    CONCURRENT
}
