package io.geokv.replication.replay;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.replication.replay.RegionReplayer.ReplayResult;

/** {@code POST /actuator/replay/{region}}: rebuilds that region from the topics and answers once it has caught up. */
@Component
@Endpoint(id = "replay")
public class ReplayEndpoint {

    private final ReplicationSupervisor supervisor;
    private final RegionReplayer replayer;
    private final ReplicationProperties properties;

    public ReplayEndpoint(ReplicationSupervisor supervisor, RegionReplayer replayer, ReplicationProperties properties) {
        this.supervisor = supervisor;
        this.replayer = replayer;
        this.properties = properties;
    }

    @WriteOperation
    public ReplayResult replay(@Selector String region) {
        return replayer.replay(supervisor.region(region), properties.replayTimeout());
    }
}
