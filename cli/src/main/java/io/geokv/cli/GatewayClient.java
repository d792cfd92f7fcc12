package io.geokv.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to the gateway with the command line's credential, tenant and region. */
final class GatewayClient {

    /** An answer: its status, its body and its {@code Retry-After} in seconds (0 without one). */
    record Answer(int status, String body, long retryAfterSeconds) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String key;
    private final String tenant;
    private final String region;

    GatewayClient(URI url, String key, String tenant, String region) {
        this.url = url;
        this.key = key;
        this.tenant = tenant;
        this.region = region;
    }

    /**
     * POST of a JSON body.
     *
     * @param consistency {@code X-Consistency}, or null
     * @throws IOException when the gateway cannot be reached, naming it
     */
    Answer postJson(String path, String json, String consistency) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null && !key.isBlank()) {
            request.header("Authorization", "Bearer " + key);
        }
        if (tenant != null) {
            request.header("X-Tenant", tenant);
        }
        if (region != null) {
            request.header("X-Region", region);
        }
        if (consistency != null) {
            request.header("X-Consistency", consistency);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            long retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .map(GatewayClient::seconds)
                    .orElse(0L);
            return new Answer(response.statusCode(), response.body(), retryAfter);
        } catch (ConnectException e) {
            throw new IOException(
                    "cannot reach the gateway at " + url + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static long seconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
