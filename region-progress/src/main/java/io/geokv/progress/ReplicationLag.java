package io.geokv.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * How far region {@code region} is behind origin {@code origin}'s topic.
 *
 * <p>{@code lagRecords} and {@code lagSeconds} are what a reader of the region sees: events its
 * PostgreSQL has not applied yet (end offsets minus the region's {@code applied_offsets}), and the age
 * of the oldest of them; 0 when caught up. {@code consumerLagRecords} and {@code consumerLagSeconds}
 * are the same for the region's Streams consumer group, as Kafka's own tools report it. The two differ
 * by what the Streams application has consumed but the sink has not yet written: a sink that stops
 * shows as applied lag growing while the consumer lag stays at zero.
 *
 * <p>In the multi topology the applied lag splits in two. {@code mirrorLagRecords}: events of the
 * origin's cluster not yet in the region's cluster; {@code mirrorLagSeconds}: the age of the oldest of
 * them, and never less than the age of the newest MirrorMaker 2 heartbeat the link carried, so it
 * stays truthful when the origin is idle and the link is down. {@code applyLagRecords} and {@code
 * applyLagSeconds}: events the region's cluster holds and its PostgreSQL has not applied, and the age
 * of the oldest. The records add up: {@code lagRecords = mirrorLagRecords + applyLagRecords}. In the
 * single topology, and for a region's own topic, the mirror lag is 0.
 */
public record ReplicationLag(
        String region,
        String origin,
        long lagRecords,
        double lagSeconds,
        long consumerLagRecords,
        double consumerLagSeconds,
        long mirrorLagRecords,
        double mirrorLagSeconds,
        long applyLagRecords,
        double applyLagSeconds) {

    public static ReplicationLag none(String region, String origin) {
        return new ReplicationLag(region, origin, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** No lag for every pair of {@code regions}: what is known before the first measurement. */
    public static List<ReplicationLag> noneFor(List<String> regions) {
        List<ReplicationLag> none = new ArrayList<>();
        regions.forEach(region -> regions.forEach(origin -> none.add(none(region, origin))));
        return List.copyOf(none);
    }

    /** The entry of {@code lags} for {@code region} and {@code origin}; none when it has none. */
    public static ReplicationLag of(List<ReplicationLag> lags, String region, String origin) {
        return lags.stream()
                .filter(lag -> lag.region().equals(region) && lag.origin().equals(origin))
                .findFirst()
                .orElse(none(region, origin));
    }
}
