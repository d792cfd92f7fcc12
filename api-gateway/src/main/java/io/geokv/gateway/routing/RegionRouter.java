package io.geokv.gateway.routing;

import io.geokv.event.InputRules;
import io.geokv.residency.Residency;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which region serves a request (docs/product.md, 'Geo-routing and failover'), first match wins: the
 * {@code X-Region} header; the tenant's pinned region; a country header set by a CDN, through its
 * continent; a configured client address range; the default region. Pure logic: malformed or
 * unknown headers are ignored and the next rule decides, except an {@code X-Region} naming no
 * region, which is the client's mistake and refused.
 */
public final class RegionRouter {

    /** Country headers of CDNs and edge platforms, in the order they are looked at. */
    public static final List<String> COUNTRY_HEADERS =
            List.of("CF-IPCountry", "CloudFront-Viewer-Country", "X-Vercel-IP-Country", "X-Geo-Country");

    /**
     * What a request says about where it comes from.
     *
     * @param countryHeaders header name to value; names are matched case-insensitively
     * @param clientAddress the client's IP address literal, or null
     */
    public record Request(
            String regionHeader, String tenant, Map<String, String> countryHeaders, String clientAddress) {

        public Request {
            TreeMap<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (countryHeaders != null) {
                headers.putAll(countryHeaders);
            }
            countryHeaders = headers;
        }

        /** Only an {@code X-Region} header (and the default tenant). */
        public static Request forRegion(String regionHeader) {
            return new Request(regionHeader, null, Map.of(), null);
        }
    }

    /**
     * @param region the region chosen
     * @param reason why, for the {@code X-Route-Reason} header
     * @param allowed the regions that may serve the request: every region, or the allowed regions of
     *     a resident tenant ({@link Residency}); a route outside them is moved by {@link Failover}
     */
    public record Route(String region, String reason, List<String> allowed) {}

    private final List<String> regions;
    private final String defaultRegion;
    private final String defaultTenant;
    private final Map<String, String> pins;
    private final Residency residency;
    private final Map<Continent, String> continents;
    private final ClientRanges ranges;

    /**
     * @param pins each pinned tenant's region
     * @param residency where resident tenants may be served
     * @throws IllegalArgumentException when a pin, continent or range names an unknown region, or a
     *     pin a region its tenant's data may not be in
     */
    public RegionRouter(
            List<String> regions,
            String defaultRegion,
            String defaultTenant,
            Map<String, String> pins,
            Residency residency,
            Map<Continent, String> continents,
            Map<String, String> clientRanges) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region must be configured");
        }
        this.regions = List.copyOf(regions);
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? regions.get(0) : defaultRegion;
        this.defaultTenant = defaultTenant;
        this.pins = Map.copyOf(pins);
        this.residency = residency;
        this.continents = continents.isEmpty() ? Map.of() : new EnumMap<>(continents);
        this.ranges = new ClientRanges(clientRanges);
        requireRegion(this.defaultRegion, "default region");
        this.pins.forEach((tenant, region) -> {
            requireRegion(region, "pin of tenant " + tenant);
            if (!residency.holds(region, tenant)) {
                throw new IllegalArgumentException("tenant " + tenant + " is pinned to " + region
                        + ", outside the regions its data may be in: " + residency.regionsOf(tenant, regions));
            }
        });
        this.continents.forEach(
                (continent, region) -> requireRegion(region, "region of continent " + continent.wire()));
        clientRanges.forEach((cidr, region) -> requireRegion(region, "region of client range " + cidr));
    }

    /** Only {@code X-Region} and the default region. */
    public RegionRouter(List<String> regions, String defaultRegion) {
        this(regions, defaultRegion, "default", Map.of(), Residency.none(), Map.of(), Map.of());
    }

    /**
     * @throws UnknownRegionException when {@code X-Region} names no configured region, or a region a
     *     resident tenant may not be served from
     */
    public Route route(Request request) {
        String tenant = request.tenant() == null || request.tenant().isBlank() ? defaultTenant : request.tenant();
        Optional<String> pin = Optional.ofNullable(pins.get(tenant));
        List<String> allowed = residency.regionsOf(tenant, regions);

        if (request.regionHeader() != null && !request.regionHeader().isBlank()) {
            String region = request.regionHeader().trim().toLowerCase(Locale.ROOT);
            InputRules.regionViolation(region, regions).ifPresent(message -> {
                throw new UnknownRegionException(message);
            });
            if (!allowed.contains(region)) {
                throw new UnknownRegionException("tenant '" + tenant + "' keeps its data in " + allowed
                        + " (data residency) and cannot be served from " + region);
            }
            return new Route(region, "header", allowed);
        }
        if (pin.isPresent()) {
            return new Route(pin.get(), "tenant " + tenant + " pinned", allowed);
        }
        Route located = locate(request, allowed);
        if (!allowed.contains(located.region())) {
            // A resident tenant's data is in its regions only: it is served from the first of them.
            return new Route(
                    allowed.get(0), "tenant " + tenant + " resident in " + String.join(", ", allowed), allowed);
        }
        return located;
    }

    /** The region of the client's location: its country's continent, its address range or the default. */
    private Route locate(Request request, List<String> allowed) {
        for (String header : COUNTRY_HEADERS) {
            String code = request.countryHeaders().get(header);
            Optional<Continent> continent = Continent.ofCountry(code).filter(continents::containsKey);
            if (continent.isPresent()) {
                return new Route(
                        continents.get(continent.get()),
                        "country " + header + "=" + code.trim().toUpperCase(Locale.ROOT) + " ("
                                + continent.get().wire() + ")",
                        allowed);
            }
        }
        Optional<ClientRanges.Range> range = ranges.find(request.clientAddress());
        if (range.isPresent()) {
            return new Route(range.get().region(), "client range " + range.get(), allowed);
        }
        return new Route(defaultRegion, "default", allowed);
    }

    public List<String> regions() {
        return regions;
    }

    /** The regions other than {@code region} that {@code tenant}'s writes replicate to. */
    public List<String> replicasBesides(String region, String tenant) {
        return residency.holdersAmong(regions, tenant).stream()
                .filter(r -> !r.equals(region))
                .toList();
    }

    private void requireRegion(String region, String what) {
        InputRules.regionViolation(region, regions).ifPresent(message -> {
            throw new IllegalArgumentException(what + ": " + message);
        });
    }

    public static final class UnknownRegionException extends RuntimeException {
        public UnknownRegionException(String message) {
            super(message);
        }
    }
}
