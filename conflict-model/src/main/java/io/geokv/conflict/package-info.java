/**
 * The pure conflict model of geokv: dotted version vectors, the per-key merged state, the
 * last-writer-wins policy, the hybrid logical clock, and the canonical encodings.
 *
 * <p>Plain Java only: nothing in this package depends on Kafka, Avro, Spring or a database, so
 * every region (and every test) computes exactly the same answers from the same events.
 *
 * <h2>Dots</h2>
 * The dot of an event is {@code (origin region, n)} where {@code n} counts the events of that
 * origin on that key in topic order. Every region reads one origin's events of a key in the same
 * order, so every region assigns the same dots (see {@link io.geokv.conflict.KeyState#receive}).
 * Causal histories are always per-origin prefixes, so a {@link io.geokv.conflict.VersionVector}
 * describes them exactly.
 *
 * <h2>Merge</h2>
 * Applying dot {@code d} of a write with context {@code C} to a state:
 * <pre>
 *   covered'  = covered.join(C)
 *   applied'  = applied.with(d)
 *   siblings' = { s in siblings : !C.covers(s.dot) } + sibling(d) iff !covered'.covers(d)
 * </pre>
 * After any set of applied writes a dot survives iff no applied write's context covers it, which
 * does not depend on the delivery order: this is what makes every region converge.
 */
package io.geokv.conflict;
