package io.geokv.replication.apply;

import io.geokv.conflict.KeyState;
import io.geokv.event.EventTopics;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.store.postgres.StateWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Merged states as a region's store keeps them (by tenant and key) and as a fold knows them (by record key). */
final class StoredStates {

    private StoredStates() {}

    /** The stored states of these record keys ({@code <tenant>/<key>}); a key never written is absent. */
    static Map<String, KeyState> load(StateWriter writer, Collection<String> recordKeys) {
        List<String> tenants = new ArrayList<>(recordKeys.size());
        List<String> keys = new ArrayList<>(recordKeys.size());
        for (String recordKey : recordKeys) {
            EventTopics.RecordKey parsed = EventTopics.parseRecordKey(recordKey).orElseThrow();
            tenants.add(parsed.tenant());
            keys.add(parsed.key());
        }
        Map<String, KeyState> states = new HashMap<>(recordKeys.size() * 2);
        writer.load(tenants, keys).forEach(m -> states.put(EventTopics.recordKey(m.tenant(), m.key()), m.state()));
        return states;
    }

    /** The states a fold changed, by record key, as the store keeps them. */
    static List<MaterializedState> of(Map<String, KeyState> changed) {
        List<MaterializedState> states = new ArrayList<>(changed.size());
        changed.forEach((recordKey, state) -> {
            EventTopics.RecordKey key = EventTopics.parseRecordKey(recordKey).orElseThrow();
            states.add(new MaterializedState(key.tenant(), key.key(), state));
        });
        return states;
    }
}
