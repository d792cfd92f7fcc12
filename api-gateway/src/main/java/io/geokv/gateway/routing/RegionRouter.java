package io.geokv.gateway.routing;

import io.geokv.event.InputRules;
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
     * A tenant's home.
     *
     * @param region where the tenant's requests go
     * @param residency whether its data must stay in {@code allowedRegions}: no header may send it
     *     elsewhere and failover never leaves them
     * @param allowedRegions where a resident tenant may be served; empty means the pinned region only
     */
    public record Pin(String region, boolean residency, List<String> allowedRegions) {

        public Pin {
            allowedRegions =
                    allowedRegions == null || allowedRegions.isEmpty() ? List.of(region) : List.copyOf(allowedRegions);
        }
    }

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
     * @param allowed the regions that may serve the request if {@code region} cannot: every region,
     *     or the allowed regions of a resident tenant
     */
    public record Route(String region, String reason, List<String> allowed) {}

    private final List<String> regions;
    private final String defaultRegion;
    private final String defaultTenant;
    private final Map<String, Pin> pins;
    private final Map<Continent, String> continents;
    private final ClientRanges ranges;

    /**
     * @throws IllegalArgumentException when a pin, continent or range names an unknown region
     */
    public RegionRouter(
            List<String> regions,
            String defaultRegion,
            String defaultTenant,
            Map<String, Pin> pins,
            Map<Continent, String> continents,
            Map<String, String> clientRanges) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region must be configured");
        }
        this.regions = List.copyOf(regions);
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? regions.get(0) : defaultRegion;
        this.defaultTenant = defaultTenant;
        this.pins = Map.copyOf(pins);
        this.continents = continents.isEmpty() ? Map.of() : new EnumMap<>(continents);
        this.ranges = new ClientRanges(clientRanges);
        requireRegion(this.defaultRegion, "default region");
        this.pins.forEach((tenant, pin) -> {
            requireRegion(pin.region(), "pin of tenant " + tenant);
            pin.allowedRegions().forEach(r -> requireRegion(r, "allowed regions of tenant " + tenant));
        });
        this.continents.forEach(
                (continent, region) -> requireRegion(region, "region of continent " + continent.wire()));
        clientRanges.forEach((cidr, region) -> requireRegion(region, "region of client range " + cidr));
    }

    /** Only {@code X-Region} and the default region. */
    public RegionRouter(List<String> regions, String defaultRegion) {
        this(regions, defaultRegion, "default", Map.of(), Map.of(), Map.of());
    }

    /**
     * @throws UnknownRegionException when {@code X-Region} names no configured region, or a region a
     *     resident tenant may not be served from
     */
    public Route route(Request request) {
        String tenant = request.tenant() == null || request.tenant().isBlank() ? defaultTenant : request.tenant();
        Optional<Pin> pin = Optional.ofNullable(pins.get(tenant));
        List<String> allowed =
                pin.filter(Pin::residency).map(Pin::allowedRegions).orElse(regions);

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
            return new Route(pin.get().region(), "tenant " + tenant + " pinned", allowed);
        }
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

    public List<String> othersThan(String region) {
        return regions.stream().filter(r -> !r.equals(region)).toList();
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
