package io.geokv.replication.replay;

import io.geokv.replication.apply.PointInTimeRestore;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.residency.Residency;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code POST /actuator/restore/{region}} with {@code {"asOf": "<ISO-8601 instant>", "database":
 * "<name>"}}: restores the region as it was at that instant into a new side database (by default
 * {@code <region's database>_as_of_<epoch seconds>}), leaving the region alone ({@link
 * PointInTimeRestore}); answers once it is done.
 */
@Component
@Endpoint(id = "restore")
public class RestoreEndpoint {

    private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final ReplicationSupervisor supervisor;
    private final PointInTimeRestore restore;
    private final Residency residency;
    private final List<String> regions;

    public RestoreEndpoint(
            ReplicationSupervisor supervisor,
            PointInTimeRestore restore,
            Residency residency,
            RegionsProperties regions) {
        this.supervisor = supervisor;
        this.restore = restore;
        this.residency = residency;
        this.regions = regions.names();
    }

    /** 200 with the result; 400 for a bad instant or database name; 409 when the database holds a region. */
    @WriteOperation
    public WebEndpointResponse<Object> restore(@Selector String region, String asOf, @Nullable String database) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(asOf).toInstant();
        } catch (DateTimeParseException e) {
            return problem(
                    400,
                    "Bad Request",
                    "asOf is an ISO-8601 instant with a zone, such as" + " 2026-12-07T10:15:30Z, not '" + asOf + "'");
        }
        if (instant.isAfter(Instant.now())) {
            return problem(400, "Bad Request", "asOf " + instant + " is in the future");
        }
        RegionProperties properties = supervisor.region(region).store().properties();
        String target =
                database != null ? database : properties.postgres().database() + "_as_of_" + instant.getEpochSecond();
        if (!DATABASE.matcher(target).matches()
                || target.equals(properties.postgres().database())) {
            return problem(
                    400,
                    "Bad Request",
                    "database is a new PostgreSQL database name" + " ([a-z_][a-z0-9_]{0,62}), not the region's own: '"
                            + target + "'");
        }
        try {
            return new WebEndpointResponse<>(
                    restore.restore(properties, instant, target, tenant -> residency.heldByAll(regions, tenant)));
        } catch (IllegalStateException e) {
            return problem(409, "Conflict", e.getMessage());
        }
    }

    private static WebEndpointResponse<Object> problem(int status, String title, String detail) {
        return new WebEndpointResponse<>(Map.of("status", status, "title", title, "detail", detail), status);
    }
}
