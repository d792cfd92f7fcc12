/**
 * A checker for recorded geokv histories, in the spirit of Jepsen's checkers: client operations
 * with their real-time intervals and outcomes, the injected faults, the event log exported from
 * Kafka and every region's final state go in; a list of {@link io.geokv.history.Anomaly anomalies}
 * comes out.
 *
 * <p>This package depends on no other geokv module on purpose. {@link io.geokv.history.LogModel}
 * re-implements the documented merge rule (dots in each origin's log order, duplicates and
 * self-covering contexts not counted, the per-origin sibling cap, siblings as the counted dots no
 * counted context covers) from docs/consistency.md, so that a bug in geokv's merge code shows as a
 * disagreement instead of being reproduced by the checker.
 *
 * <p>Pure: no clocks, threads or network; the only I/O is {@link io.geokv.history.HistoryFiles}.
 */
package io.geokv.history;
