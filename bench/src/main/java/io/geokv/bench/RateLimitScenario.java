package io.geokv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a tenant over its rate limit slows another tenant. The bench tenant reads its cached hot
 * keys at a paced rate (each connection waits {@link #QUIET_PACE_MS} between requests): alone, then
 * while tenant {@value #NOISY_TENANT} offers about four times its limit ({@value #NOISY_LIMIT} a
 * second, which scripts/bench.sh gives the gateway) reading its own cached keys ({@value #NOISY_LIMIT}
 * of them, written within its first burst), then alone again. The noisy load runs once unmeasured
 * first, so that its paths are compiled and its keys cached before anything is measured. Both
 * tenants read the same way, so what is measured is what the refusals cost the other tenant. The ratio is the bench
 * tenant's p99 alone over its p99 beside the noisy one: the goal, at least 1 / 1.2, is the noisy
 * tenant costing the other at most 20% of its p99. Raw reference: the bench tenant alone.
 */
final class RateLimitScenario {

    static final String ID = "rate_limits";
    static final String NOISY_TENANT = "bench-noisy";
    static final int NOISY_LIMIT = 100;
    private static final int QUIET_PACE_MS = 100;
    private static final int NOISY_PACE_MS = 160;
    private static final Pattern TENANT_REFUSALS =
            Pattern.compile("(?m)^geokv_requests_rate_limited_total\\{[^}]*limit=\"tenant\"[^}]*} ([0-9.eE+]+)$");

    private final BenchSettings s;
    private final WrkLoad load;

    RateLimitScenario(BenchSettings settings, WrkLoad load) {
        this.s = settings;
        this.load = load;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int k = s.hotKeys();
        HotKeys hot = HotKeys.written(s, "rl", 13);
        HttpClient client = hot.client();
        hot.warm();
        HotKeys noisyKeys = HotKeys.written(s, "rl-noisy", 17, NOISY_TENANT, NOISY_LIMIT);

        String quiet = script(hot, QUIET_PACE_MS);
        String noisy = script(noisyKeys, NOISY_PACE_MS);
        // The noisy tenant's paths (refusals, its own reads) warmed first, so that the JIT compiles them
        // before the measured runs, not during the one beside the noisy tenant.
        load.run(ID + "-noisy-warmup", noisy);
        WrkLoad.Result alone = load.run(ID + "-alone", quiet);
        double refusedBefore = tenantRefusals(client);
        WrkLoad.Result beside;
        WrkLoad.Result flood;
        ExecutorService noise = Executors.newSingleThreadExecutor();
        try {
            Future<WrkLoad.Result> flooding = noise.submit(() -> load.measure(ID + "-noisy", noisy));
            beside = load.measure(ID + "-beside", quiet);
            flood = flooding.get();
        } finally {
            noise.shutdownNow();
        }
        double refused = tenantRefusals(client) - refusedBefore;
        WrkLoad.Result aloneAfter = load.measure(ID + "-alone-after", quiet);
        String retryAfter = retryAfter(client, noisyKeys);

        Map<String, Object> figures = beside.figures();
        // Measured after the noisy run too: a drift of the machine shows as a gap between the two alone runs.
        figures.put("p99_ms_alone_after", Figures.round(aloneAfter.p99Micros() / 1000.0, 3));
        Map<String, Object> noisyFigures = new LinkedHashMap<>();
        noisyFigures.put("tenant", NOISY_TENANT);
        noisyFigures.put("limit_per_s", NOISY_LIMIT);
        noisyFigures.put(
                "offered_rps", Figures.round(Figures.perSecond(flood.requests(), flood.durationMicros() * 1_000), 1));
        noisyFigures.put("answered_2xx_rps", Figures.round(flood.throughput(), 1));
        noisyFigures.put("refused_429", (long) refused);
        noisyFigures.put("retry_after_s", retryAfter);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("hot_keys", k);
        counts.put("noisy_tenant_keys", noisyKeys.count());
        counts.put("connections_per_tenant", s.connections());
        counts.put("quiet_pace_ms", QUIET_PACE_MS);
        counts.put("noisy_pace_ms", NOISY_PACE_MS);
        return new ScenarioResult(
                ID,
                "cached GET /kv of tenant " + BenchSettings.TENANT + ", each of " + s.connections()
                        + " connections pausing " + QUIET_PACE_MS + " ms between requests, beside tenant "
                        + NOISY_TENANT + " reading its own cached keys at about 4x its limit of " + NOISY_LIMIT
                        + "/s",
                figures,
                new ScenarioResult.RawReference("same_tenant_alone", alone.figures()),
                List.of(new ScenarioResult.RawReference("noisy_tenant", noisyFigures)),
                alone.p99Micros() == 0 || beside.p99Micros() == 0
                        ? null
                        : (double) alone.p99Micros() / beside.p99Micros(),
                "raw p99_ms / p99_ms beside the noisy tenant",
                ScenarioResult.Goal.ratioAtLeast(Figures.round(1 / 1.2, 4)),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Reads of {@code hot}'s keys, each connection pausing {@code paceMs} before each request. */
    private String script(HotKeys hot, int paceMs) {
        return "local regions = {"
                + String.join(", ", s.regions().stream().map(WrkLoad::lua).toList()) + "}\n"
                + "local prefix = " + WrkLoad.lua("/kv/" + hot.prefix()) + "\n"
                + "local hot = " + hot.count() + "\n"
                + "local tenant = " + WrkLoad.lua(hot.tenant()) + "\n"
                + "function delay()\n  return " + paceMs + "\nend\n"
                + """
                request = function()
                  local key = math.random(0, hot - 1)
                  return wrk.format("GET", prefix .. key, {["X-Region"] = regions[(key % #regions) + 1], ["X-Tenant"] = tenant})
                end
                """;
    }

    /** The gateway's count of requests refused by a tenant's limit. */
    private double tenantRefusals(HttpClient client) throws Exception {
        String metrics = client.send(
                        HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/actuator/prometheus"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher matcher = TENANT_REFUSALS.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** The {@code Retry-After} of a 429 to the noisy tenant, asked until one comes (null if none does). */
    private String retryAfter(HttpClient client, HotKeys hot) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/kv/" + hot.prefix() + 0))
                .header("X-Tenant", NOISY_TENANT)
                .GET()
                .build();
        for (int i = 0; i < 4 * NOISY_LIMIT; i++) {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 429) {
                return response.headers().firstValue("Retry-After").orElse(null);
            }
        }
        return null;
    }
}
