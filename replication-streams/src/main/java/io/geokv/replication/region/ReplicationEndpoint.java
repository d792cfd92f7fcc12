package io.geokv.replication.region;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/replication}: each hosted region's Streams state and whether it is paused.
 * {@code POST /actuator/replication/{region}/pause} and {@code .../resume}: stop and restart
 * applying events in that region (for maintenance of its stores, or to let events pile up for a
 * measurement) without stopping anything; events wait in the log meanwhile.
 */
@Component
@Endpoint(id = "replication")
public class ReplicationEndpoint {

    private final ReplicationSupervisor supervisor;

    public ReplicationEndpoint(ReplicationSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @ReadOperation
    public Map<String, Object> regions() {
        Map<String, Object> regions = new LinkedHashMap<>();
        supervisor.hosted().forEach((name, replication) -> regions.put(name, describe(replication)));
        return regions;
    }

    /** 200 with the region's state; 400 for another action, 404 for a region this process does not host. */
    @WriteOperation
    public WebEndpointResponse<Object> act(@Selector String region, @Selector String action) {
        if (!supervisor.hosted().containsKey(region)) {
            return problem(
                    404,
                    "region '" + region + "' is not replicated by this process; hosted: "
                            + String.join(", ", supervisor.hosted().keySet()));
        }
        RegionReplication replication = supervisor.region(region);
        try {
            switch (action) {
                case "pause" -> replication.pause();
                case "resume" -> replication.resume();
                default -> {
                    return problem(400, "unknown action '" + action + "'; the actions are pause and resume");
                }
            }
        } catch (IllegalStateException e) {
            return problem(409, e.getMessage());
        }
        return new WebEndpointResponse<>(describe(replication));
    }

    private static Map<String, Object> describe(RegionReplication replication) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("state", replication.state().name());
        state.put("paused", replication.isPaused());
        return state;
    }

    private static WebEndpointResponse<Object> problem(int status, String detail) {
        return new WebEndpointResponse<>(Map.of("status", status, "detail", detail), status);
    }
}
