package io.geokv.mirror;

import io.geokv.naming.GeokvNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A MirrorMaker 2 transform that keeps resident tenants' events out of the clusters of regions they
 * may not be stored in: an event of a withheld tenant (record key {@code <tenant>/<key>}) is copied
 * as a placeholder without key and value, marked with header {@value GeokvNames#WITHHELD_HEADER}.
 *
 * <p>Why a placeholder, not nothing: positions are told in the origin's offsets, and a region's
 * replication knows it has applied everything up to an origin offset only when it has read a record
 * for each. The placeholder keeps its origin offset ({@link OriginOffsetHeader} runs first) and its
 * timestamp, so the target region's applied positions, lag and every wait on them stay exact; the
 * target's replication folds nothing for it.
 *
 * <p>Invariants (checked by {@code ResidencyWithholdingTest}): records of other topics, and events of
 * tenants not withheld, pass unchanged; a withheld event keeps nothing of its key, value or headers
 * but its origin offset.
 */
public final class ResidencyWithholding implements Transformation<SourceRecord> {

    /** The tenants withheld from the flow's target cluster, comma-separated. */
    static final String TENANTS = "tenants";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(
                    TENANTS,
                    ConfigDef.Type.LIST,
                    List.of(),
                    ConfigDef.Importance.HIGH,
                    "Resident tenants whose events the flow's target cluster may not hold.");

    private Set<String> withheld = Set.of();

    @Override
    public SourceRecord apply(SourceRecord record) {
        if (withheld.isEmpty() || GeokvNames.regionOfEventTopic(record.topic()).isEmpty()) {
            return record;
        }
        String tenant = tenantOf(record.key());
        // A record without a tenant (no key, or one without '/') is copied as it is: the target's
        // replication dead-letters it, and it holds no tenant's data.
        if (tenant == null || !withheld.contains(tenant)) {
            return record;
        }
        ConnectHeaders headers = new ConnectHeaders();
        Header originOffset = record.headers().lastWithName(GeokvNames.ORIGIN_OFFSET_HEADER);
        if (originOffset != null) {
            headers.add(originOffset);
        }
        headers.addBytes(GeokvNames.WITHHELD_HEADER, new byte[0]);
        // newRecord keeps the source partition and offset MirrorMaker 2 commits its progress with.
        return record.newRecord(
                record.topic(),
                record.kafkaPartition(),
                record.keySchema(),
                null,
                record.valueSchema(),
                null,
                record.timestamp(),
                headers);
    }

    /** The tenant of a record key {@code <tenant>/<key>}; null for anything else. */
    private static String tenantOf(Object key) {
        String text = key instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8)
                : key instanceof String string ? string : null;
        int slash = text == null ? -1 : text.indexOf('/');
        return slash <= 0 ? null : text.substring(0, slash);
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        withheld = Set.copyOf(new AbstractConfig(CONFIG, configs).getList(TENANTS));
    }

    @Override
    public void close() {}
}
