package io.geokv.history;

import java.util.List;
import java.util.Map;

/**
 * Everything one run recorded: the client operations, the injected faults, the event log exported
 * from Kafka and the final state of every region.
 *
 * <p>Invariants: lists and maps are never null; {@code siblingsPerOrigin >= 1}.
 *
 * @param seed the seed the run's workload and faults were drawn from, to reproduce it
 * @param siblingsPerOrigin the merge's per-origin cap: {@code max-siblings} divided by the number of
 *     regions (docs/api.md, Limits)
 * @param digests per region, the digest of its whole state
 * @param lastWriterWins whether every key of the history resolves with last-writer-wins (geokv's
 *     default policy), so that what a region shows of a key follows from its siblings
 */
public record History(
        long seed,
        List<String> regions,
        int siblingsPerOrigin,
        List<Operation> operations,
        List<Fault> faults,
        List<LoggedEvent> log,
        List<FinalState> finalStates,
        Map<String, String> digests,
        boolean lastWriterWins) {

    public History {
        if (siblingsPerOrigin < 1) {
            throw new IllegalArgumentException("siblingsPerOrigin must be at least 1, not " + siblingsPerOrigin);
        }
        regions = regions == null ? List.of() : List.copyOf(regions);
        operations = operations == null ? List.of() : List.copyOf(operations);
        faults = faults == null ? List.of() : List.copyOf(faults);
        log = log == null ? List.of() : List.copyOf(log);
        finalStates = finalStates == null ? List.of() : List.copyOf(finalStates);
        digests = digests == null ? Map.of() : Map.copyOf(digests);
    }
}
