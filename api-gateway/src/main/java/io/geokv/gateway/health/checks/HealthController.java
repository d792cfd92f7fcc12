package io.geokv.gateway.health.checks;

import io.geokv.gateway.health.Check;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.gateway.health.RegionStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /health} (overall, seed-compatible) and {@code GET /health/regions} (every check of every region). */
@RestController
class HealthController {

    private final HealthTracker tracker;

    HealthController(HealthTracker tracker) {
        this.tracker = tracker;
    }

    record RegionHealthView(String region, String status, boolean healthy, boolean postgres, boolean redis) {}

    /** {@code status}: UP when every region serves, DEGRADED when some do, DOWN (503) when none does. */
    record HealthResponse(String status, List<RegionHealthView> regions) {}

    record CheckView(boolean healthy, Instant since, int consecutiveFailures, String lastError, Instant lastErrorAt) {}

    record RegionChecksView(String region, String status, Map<String, CheckView> checks) {}

    @GetMapping("/health")
    ResponseEntity<HealthResponse> health() {
        List<RegionHealthView> regions = tracker.regions().stream()
                .map(region -> {
                    RegionStatus status = tracker.status(region);
                    return new RegionHealthView(
                            region,
                            status.wire(),
                            status.serving(),
                            tracker.healthy(region, Check.POSTGRES),
                            tracker.healthy(region, Check.REDIS));
                })
                .toList();
        long serving = regions.stream().filter(RegionHealthView::healthy).count();
        boolean allHealthy = regions.stream().allMatch(r -> r.status().equals(RegionStatus.HEALTHY.wire()));
        String overall = allHealthy ? "UP" : serving > 0 ? "DEGRADED" : "DOWN";
        return ResponseEntity.status(serving > 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(new HealthResponse(overall, regions));
    }

    @GetMapping("/health/regions")
    List<RegionChecksView> regions() {
        return tracker.regions().stream()
                .map(region -> {
                    Map<String, CheckView> checks = new LinkedHashMap<>();
                    tracker.checks(region)
                            .forEach((check, state) -> checks.put(
                                    check.wire(),
                                    new CheckView(
                                            state.healthy(),
                                            state.since(),
                                            state.consecutiveFailures(),
                                            state.lastError(),
                                            state.lastErrorAt())));
                    return new RegionChecksView(region, tracker.status(region).wire(), checks);
                })
                .toList();
    }
}
