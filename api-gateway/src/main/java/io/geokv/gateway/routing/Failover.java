package io.geokv.gateway.routing;

import io.geokv.gateway.routing.RegionRouter.Route;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where a routed request goes when its region is unhealthy: the nearest healthy region it may be
 * served from, by a configured round-trip latency matrix (ties and unknown pairs by region name).
 * When no region at all is healthy (a fault every region shares, such as the replication process
 * being down), failing over cannot help: the routed region serves as well as it can. Pure logic.
 */
public final class Failover {

    /**
     * @param region the region that serves the request
     * @param from the unhealthy region it was routed to, when it failed over
     */
    public record Decision(String region, Optional<String> from) {

        /** {@code <from>-><to>} for the {@code X-Failover} header. */
        public Optional<String> header() {
            return from.map(f -> f + "->" + region);
        }
    }

    private final List<String> regions;
    private final Map<String, Map<String, Integer>> latencyMs;

    /**
     * @param regions every region
     * @param latencyMs from region to region, in milliseconds; read both ways when only one is given
     */
    public Failover(List<String> regions, Map<String, Map<String, Integer>> latencyMs) {
        this.regions = List.copyOf(regions);
        this.latencyMs = Map.copyOf(latencyMs);
    }

    /**
     * A route to a region outside its allowed ones (a credential limited to other regions) always
     * moves to the nearest allowed region.
     *
     * @throws NoRegionAvailableException when neither the routed region nor any region it may fail
     *     over to is healthy, while others are (a resident tenant whose regions are down)
     */
    public Decision decide(Route route, Predicate<String> healthy) {
        boolean noneHealthy = regions.stream().noneMatch(healthy);
        if (route.allowed().contains(route.region()) && (healthy.test(route.region()) || noneHealthy)) {
            return new Decision(route.region(), Optional.empty());
        }
        Comparator<String> nearest = Comparator.comparingInt((String region) -> latency(route.region(), region))
                .thenComparing(Comparator.naturalOrder());
        return route.allowed().stream()
                .filter(region -> !region.equals(route.region()) && (healthy.test(region) || noneHealthy))
                .min(nearest)
                .map(region -> new Decision(region, Optional.of(route.region())))
                .orElseThrow(() -> new NoRegionAvailableException(route));
    }

    int latency(String from, String to) {
        Integer there = latencyMs.getOrDefault(from, Map.of()).get(to);
        Integer back = latencyMs.getOrDefault(to, Map.of()).get(from);
        return there != null ? there : back != null ? back : Integer.MAX_VALUE;
    }

    public static final class NoRegionAvailableException extends RuntimeException {

        private final transient Route route;

        NoRegionAvailableException(Route route) {
            super("region " + route.region() + " is unavailable, and the request may only be served from "
                    + route.allowed() + ", none of which is healthy");
            this.route = route;
        }

        public List<String> allowed() {
            return route.allowed();
        }
    }
}
