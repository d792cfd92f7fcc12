package io.geokv.replication.region;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** UP while every hosted region's Streams application is running or rebalancing. */
@Component("replication")
class ReplicationHealthIndicator implements HealthIndicator {

    private final ReplicationSupervisor supervisor;

    ReplicationHealthIndicator(ReplicationSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        supervisor.hosted().forEach((region, replication) -> {
            KafkaStreams.State state = replication.state();
            health.withDetail(region, state.name());
            if (!state.isRunningOrRebalancing()) {
                health.down();
            }
        });
        return health.build();
    }
}
