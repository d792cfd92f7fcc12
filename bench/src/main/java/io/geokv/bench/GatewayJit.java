package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How much the gateway's JIT compilers have worked: its {@code jvm.compilation.time} metric
 * (Micrometer's, milliseconds of compilation since the JVM started, on {@code /actuator/metrics}).
 * On two cores the compilers of a freshly loaded gateway take about one core for a minute or two
 * (measured: about 6 s of compilation per 6.5 s all through the write scenario's 30 s warmups and
 * its first measured run): a run measured while they work measures the JIT as much as the gateway.
 */
final class GatewayJit {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metric;

    GatewayJit(String gatewayUrl) {
        this.metric = URI.create(gatewayUrl + "/actuator/metrics/jvm.compilation.time");
    }

    /** Milliseconds of compilation so far, or -1 when the metric cannot be read. */
    long compilationMillis() {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(metric)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return -1;
            }
            for (JsonNode measurement : BenchReport.JSON.readTree(answer.body()).path("measurements")) {
                if ("COUNT".equals(measurement.path("statistic").asText())) {
                    return measurement.path("value").asLong();
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
