package io.geokv.conflict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * An example resolver, {@code json-set-union}: values are JSON arrays used as sets (a shopping cart,
 * a list of tags), and concurrent values resolve to their union, elements sorted by their compact JSON
 * text and each kept once. Deletes concurrent with values are ignored (add wins), as in an observed-
 * remove set without per-element tombstones: an element removed in one region while another region
 * rewrote the set still shows after the merge.
 *
 * <p>When a concurrent value is not a JSON array the union would lose it, so the siblings are shown
 * to the reader instead, exactly as with the {@link KeepSiblings siblings} policy.
 */
public final class JsonSetUnion implements SiblingResolver {

    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Resolution resolve(List<Sibling> siblings) {
        List<Sibling> live = SiblingResolver.live(siblings);
        if (live.size() < 2) {
            return new KeepSiblings().resolve(live);
        }
        TreeMap<String, JsonNode> union = new TreeMap<>();
        for (Sibling sibling : live) {
            JsonNode parsed = parse(sibling.rawValue());
            if (parsed == null || !parsed.isArray()) {
                return new Resolution.Conflict(live);
            }
            parsed.forEach(element -> union.putIfAbsent(element.toString(), element));
        }
        ArrayNode merged = JSON.createArrayNode();
        union.values().forEach(merged::add);
        return new Resolution.Value(merged.toString().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }
}
