package io.geokv.replication.replay;

import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.region.ReplicationSupervisor;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

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

    /** 200 with the result; 409 while a replay of the region is running. */
    @WriteOperation
    public WebEndpointResponse<Object> replay(@Selector String region) {
        try {
            return new WebEndpointResponse<>(replayer.replay(supervisor.region(region), properties.replayTimeout()));
        } catch (RegionReplayer.ReplayRunningException e) {
            return new WebEndpointResponse<>(Map.of("status", 409, "title", "Conflict", "detail", e.getMessage()), 409);
        }
    }
}
