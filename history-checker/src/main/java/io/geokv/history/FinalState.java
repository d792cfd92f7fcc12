package io.geokv.history;

import java.util.List;
import java.util.Objects;

/**
 * What one region held for one key at the end of a run, after replication had quiesced.
 *
 * @param siblingEventIds event ids of the key's siblings (tombstones included), sorted
 * @param visibleValue what a read in that region showed, null for 404
 */
public record FinalState(String region, String tenant, String key, List<String> siblingEventIds, String visibleValue) {

    public FinalState {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        siblingEventIds = siblingEventIds == null
                ? List.of()
                : siblingEventIds.stream().sorted().toList();
    }

    /** The key this state is about. */
    public KeyRef keyRef() {
        return new KeyRef(tenant, key);
    }
}
