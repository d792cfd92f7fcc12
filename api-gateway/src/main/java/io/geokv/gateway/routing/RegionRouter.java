package io.geokv.gateway.routing;

import java.util.List;
import java.util.Optional;

import io.geokv.event.InputRules;

/**
 * Decides which region serves a request. Pure logic: explicit {@code X-Region} header first, else
 * the configured default region.
 */
public final class RegionRouter {

    private final List<String> regions;
    private final String defaultRegion;

    public RegionRouter(List<String> regions, String defaultRegion) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region must be configured");
        }
        this.regions = List.copyOf(regions);
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? regions.get(0) : defaultRegion;
        InputRules.regionViolation(this.defaultRegion, regions).ifPresent(message -> {
            throw new IllegalArgumentException("default region: " + message);
        });
    }

    public record Route(String region, String reason) {}

    /**
     * @param regionHeader the {@code X-Region} header or null; matched case-insensitively so the
     *     seed-compatible upper-case names (US-EAST) work too
     * @throws UnknownRegionException when the header names no configured region
     */
    public Route route(String regionHeader) {
        if (regionHeader == null || regionHeader.isBlank()) {
            return new Route(defaultRegion, "default");
        }
        String region = regionHeader.trim().toLowerCase(java.util.Locale.ROOT);
        Optional<String> violation = InputRules.regionViolation(region, regions);
        if (violation.isPresent()) {
            throw new UnknownRegionException(violation.get());
        }
        return new Route(region, "header");
    }

    public List<String> regions() {
        return regions;
    }

    public List<String> othersThan(String region) {
        return regions.stream().filter(r -> !r.equals(region)).toList();
    }

    public static final class UnknownRegionException extends RuntimeException {
        public UnknownRegionException(String message) {
            super(message);
        }
    }
}
