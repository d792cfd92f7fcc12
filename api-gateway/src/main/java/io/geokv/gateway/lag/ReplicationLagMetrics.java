package io.geokv.gateway.lag;

import io.geokv.progress.RecoveryPoint;
import io.geokv.progress.RegionProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Replication lag per region and origin, and each origin's recovery point, as Prometheus gauges, read
 * from {@link RegionProgress#lag()} and {@link RegionProgress#recoveryPoints()}.
 */
public final class ReplicationLagMetrics {

    private ReplicationLagMetrics() {}

    public static void register(RegionProgress progress, MeterRegistry meters) {
        for (String region : progress.regions()) {
            for (String origin : progress.regions()) {
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.lag.records",
                        null,
                        "events of origin the region's PostgreSQL has not applied yet",
                        lag -> lag.lagRecords());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.lag.seconds",
                        "seconds",
                        "age of the oldest event of origin the region's PostgreSQL has not applied yet",
                        lag -> lag.lagSeconds());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.consumer.lag.records",
                        null,
                        "events of origin not yet consumed by the region's Streams application",
                        lag -> lag.consumerLagRecords());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.consumer.lag.seconds",
                        "seconds",
                        "age of the oldest event of origin the region's Streams application has not consumed",
                        lag -> lag.consumerLagSeconds());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.mirror.lag.records",
                        null,
                        "events of origin's cluster not yet mirrored into the region's cluster",
                        lag -> lag.mirrorLagRecords());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.mirror.lag.seconds",
                        "seconds",
                        "age of the oldest event of origin not yet mirrored, at least the age of the newest heartbeat"
                                + " the mirror link carried",
                        lag -> lag.mirrorLagSeconds());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.apply.lag.records",
                        null,
                        "events of origin in the region's cluster its PostgreSQL has not applied yet",
                        lag -> lag.applyLagRecords());
                gauge(
                        meters,
                        progress,
                        region,
                        origin,
                        "geokv.replication.apply.lag.seconds",
                        "seconds",
                        "age of the oldest event of origin in the region's cluster not applied yet",
                        lag -> lag.applyLagSeconds());
            }
        }
    }

    /** Registered in the multi topology only: in the single topology no region holds a copy of another's log. */
    public static void registerRecoveryPoints(RegionProgress progress, MeterRegistry meters) {
        for (String origin : progress.regions()) {
            Gauge.builder(
                            "geokv.recovery.point.records",
                            () -> recoveryPoint(progress, origin)
                                    .map(RecoveryPoint::unmirroredRecords)
                                    .orElse(0L))
                    .tags("origin", origin)
                    .description("events of origin that no other region's cluster holds: lost with origin's cluster")
                    .register(meters);
            Gauge.builder(
                            "geokv.recovery.point.seconds",
                            () -> recoveryPoint(progress, origin)
                                    .map(RecoveryPoint::unmirroredSeconds)
                                    .orElse(0.0))
                    .tags("origin", origin)
                    .description("age of the oldest event of origin that no other region's cluster holds")
                    .baseUnit("seconds")
                    .register(meters);
        }
    }

    private static Optional<RecoveryPoint> recoveryPoint(RegionProgress progress, String origin) {
        return progress.recoveryPoints().stream()
                .filter(point -> point.origin().equals(origin))
                .findFirst();
    }

    private static void gauge(
            MeterRegistry meters,
            RegionProgress progress,
            String region,
            String origin,
            String name,
            String unit,
            String description,
            ToDoubleFunction<io.geokv.progress.ReplicationLag> figure) {
        Gauge.builder(name, () -> figure.applyAsDouble(progress.lag(region, origin)))
                .tags("region", region, "origin", origin)
                .description(description)
                .baseUnit(unit)
                .register(meters);
    }
}
