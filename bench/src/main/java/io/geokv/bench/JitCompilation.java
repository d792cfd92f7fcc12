package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How much a JVM's JIT compilers have worked: milliseconds of compilation since it started, from an
 * application's {@code jvm.compilation.time} metric (Micrometer's, on {@code /actuator/metrics}).
 *
 * <p>On two cores the compilers of a freshly loaded application take about one core for a minute or
 * two (measured: about 6 s of compilation per 6.5 s all through the write scenario's 30 s warmups and
 * its first measured run; replication-streams compiled 0.8 to 1.7 s per second through the first
 * 100 s of the materialize scenario's load): a run measured while they work measures the JIT as much
 * as the application. Every warmup therefore goes on until the compilers work less than
 * {@link #SETTLED_MS_PER_S}, or a cap has passed.
 */
final class JitCompilation {

    /** Compilation per second of load below which the JIT has settled: 5% of one core. */
    static final double SETTLED_MS_PER_S = 50;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metric;

    private JitCompilation(URI metric) {
        this.metric = metric;
    }

    /** The JIT of the application serving actuator endpoints at {@code baseUrl}. */
    static JitCompilation of(String baseUrl) {
        return new JitCompilation(URI.create(baseUrl + "/actuator/metrics/jvm.compilation.time"));
    }

    /**
     * Compilation milliseconds per second of wall-clock time since {@code before} (a {@link #millis()}
     * read {@code nanos} ago); -1 if unknown.
     */
    double ratePerSecond(long before, long nanos) {
        long after = millis();
        if (before < 0 || after < 0 || nanos <= 0) {
            return -1;
        }
        return (after - before) / (nanos / 1e9);
    }

    /** Whether a rate from {@link #ratePerSecond} says the compilers still work (unknown counts as settled). */
    static boolean busy(double msPerSecond) {
        return msPerSecond > SETTLED_MS_PER_S;
    }

    /** Milliseconds of compilation so far, or -1 when they cannot be read. */
    long millis() {
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
