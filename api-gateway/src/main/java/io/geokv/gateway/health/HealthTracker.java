package io.geokv.gateway.health;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health of every region, from the results of its checks. Pure logic (no clock of its own, no
 * I/O): the monitor feeds it results; it answers whether a region serves and reports each change.
 */
public final class HealthTracker {

    /** A region whose status changed with the last result, and the check that changed. */
    public record Transition(String region, Check check, boolean healthy, RegionStatus status, String error) {}

    private final int failuresToFail;
    private final int successesToRecover;
    private final Map<String, Map<Check, CheckState>> states = new ConcurrentHashMap<>();
    private final List<String> regions;

    public HealthTracker(List<String> regions, int failuresToFail, int successesToRecover, Instant now) {
        if (failuresToFail < 1 || successesToRecover < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1");
        }
        this.regions = List.copyOf(regions);
        this.failuresToFail = failuresToFail;
        this.successesToRecover = successesToRecover;
        for (String region : regions) {
            Map<Check, CheckState> checks = new EnumMap<>(Check.class);
            for (Check check : Check.values()) {
                checks.put(check, CheckState.initial(now));
            }
            states.put(region, checks);
        }
    }

    /** Records one result; returns the transition when the check changed state. */
    public synchronized Optional<Transition> record(
            String region, Check check, boolean succeeded, String error, Instant now) {
        Map<Check, CheckState> checks = states.get(region);
        CheckState before = checks.get(check);
        CheckState after = before.next(succeeded, error, now, failuresToFail, successesToRecover);
        Map<Check, CheckState> updated = new EnumMap<>(checks);
        updated.put(check, after);
        states.put(region, updated);
        return before.healthy() == after.healthy()
                ? Optional.empty()
                : Optional.of(new Transition(region, check, after.healthy(), status(region), error));
    }

    public RegionStatus status(String region) {
        Map<Check, CheckState> checks = states.get(region);
        boolean required = checks.entrySet().stream()
                .allMatch(e -> !e.getKey().required() || e.getValue().healthy());
        if (!required) {
            return RegionStatus.UNHEALTHY;
        }
        return checks.values().stream().allMatch(CheckState::healthy) ? RegionStatus.HEALTHY : RegionStatus.DEGRADED;
    }

    /** Whether requests routed to the region are served there. */
    public boolean serving(String region) {
        return status(region).serving();
    }

    /** Whether that check of the region is healthy. */
    public boolean healthy(String region, Check check) {
        return states.get(region).get(check).healthy();
    }

    /** Every check of the region, in {@link Check} order. */
    public Map<Check, CheckState> checks(String region) {
        return new LinkedHashMap<>(states.get(region));
    }

    public List<String> regions() {
        return regions;
    }
}
