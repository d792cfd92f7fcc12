package io.geokv.gateway.web;

/** HTTP headers of the geokv API, request and response. */
public final class GeokvHeaders {

    public static final String REGION = "X-Region";
    public static final String TENANT = "X-Tenant";
    public static final String CONTEXT = "X-Context";
    public static final String CONSISTENCY = "X-Consistency";
    public static final String SESSION = "X-Session";
    public static final String REGIONS_READ = "X-Regions-Read";
    public static final String SOURCE = "X-Source";
    public static final String LATENCY = "X-Latency-Ms";
    public static final String ROUTE_REASON = "X-Route-Reason";
    public static final String FAILOVER = "X-Failover";

    private GeokvHeaders() {}
}
