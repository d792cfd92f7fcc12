package io.geokv.gateway.web;

import io.geokv.access.AccessRefusedException;
import io.geokv.access.Caller;
import io.geokv.access.Grant;
import io.geokv.gateway.routing.Failover;
import io.geokv.gateway.routing.Failover.NoRegionAvailableException;
import io.geokv.gateway.routing.RegionRouter;
import io.geokv.gateway.routing.RegionRouter.Route;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Routes an HTTP request: the {@link RegionRouter}'s choice from its headers and client address,
 * then {@link Failover} when that region is not serving. Behind a proxy, set
 * {@code server.forward-headers-strategy=framework} so that the client address is the client's.
 */
public final class RequestRouting {

    /**
     * @param region the region that serves the request
     * @param reason why it was chosen ({@code X-Route-Reason})
     * @param failover {@code <from>-><to>} when the chosen region was unhealthy ({@code X-Failover})
     */
    public record Routed(String region, String reason, Optional<String> failover) {

        /** {@code X-Region}, {@code X-Route-Reason} and, after a failover, {@code X-Failover}. */
        public void describe(HttpHeaders headers) {
            headers.set(GeokvHeaders.REGION, region);
            headers.set(GeokvHeaders.ROUTE_REASON, reason);
            failover.ifPresent(f -> headers.set(GeokvHeaders.FAILOVER, f));
        }
    }

    private final RegionRouter router;
    private final Failover failover;
    private final Predicate<String> serving;

    public RequestRouting(RegionRouter router, Failover failover, Predicate<String> serving) {
        this.router = router;
        this.failover = failover;
        this.serving = serving;
    }

    /**
     * @throws AccessRefusedException when the request names a region its credential may not use, or
     *     none of the regions that may serve it is one the credential may use
     */
    public Routed route(ServerHttpRequest request, String regionHeader, Caller caller) {
        Map<String, String> countries = new HashMap<>();
        for (String header : RegionRouter.COUNTRY_HEADERS) {
            String value = request.getHeaders().getFirst(header);
            if (value != null) {
                countries.put(header, value);
            }
        }
        InetSocketAddress remote = request.getRemoteAddress();
        String client = remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getHostAddress();
        Route route = router.route(new RegionRouter.Request(regionHeader, caller.tenant(), countries, client));
        boolean named = regionHeader != null && !regionHeader.isBlank();
        Failover.Decision decision = failover.decide(permitted(route, caller.grant(), named), serving);
        return new Routed(decision.region(), route.reason(), decision.header());
    }

    /**
     * A region the client addressed explicitly ({@code /regions/{region}/...}): it never fails over.
     *
     * @throws NoRegionAvailableException when that region is not serving
     */
    public Routed explicit(String region, Caller caller) {
        Route route = router.route(new RegionRouter.Request(region, caller.tenant(), Map.of(), null));
        Route only = permitted(new Route(route.region(), "path", List.of(route.region())), caller.grant(), true);
        return new Routed(failover.decide(only, serving).region(), "path", Optional.empty());
    }

    /**
     * The route narrowed to the regions the credential may use: a region the client named must be one
     * of them; any other route fails over within them.
     */
    private static Route permitted(Route route, Grant grant, boolean named) {
        if (grant.regions().isEmpty()) {
            return route;
        }
        if (named && !grant.mayUse(route.region())) {
            throw new AccessRefusedException("this credential may not be served from region " + route.region());
        }
        List<String> usable = grant.usable(route.allowed());
        if (usable.isEmpty()) {
            throw new AccessRefusedException("this credential may be served only from " + grant.regions()
                    + ", and this request only from " + route.allowed());
        }
        return new Route(route.region(), route.reason(), usable);
    }

    public RegionRouter router() {
        return router;
    }
}
