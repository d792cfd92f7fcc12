package io.geokv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code PUT /kv/<prefix><i>} of the bench tenant at a constant offered rate, open loop: write i is
 * sent at its intended time {@code i / rate} whatever the answers before it, and its latency runs
 * from that time (no coordinated omission). Write i goes to region {@code regions[i % R]}.
 */
final class OpenLoopWrites {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final long HISTOGRAM_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    /** Requests in flight at most: beyond it a request waits, and its latency (from its intended time) grows. */
    private static final int MAX_IN_FLIGHT = 4096;

    /** What was sent and answered; the latency histogram is in microseconds. */
    record Result(long offered, long acknowledged, long errors, long nanos, Histogram latency) {
        double achievedRate() {
            return Figures.perSecond(acknowledged, nanos);
        }
    }

    private final BenchSettings s;

    OpenLoopWrites(BenchSettings settings) {
        this.s = settings;
    }

    /** The region write {@code i} goes to. */
    String region(long i) {
        return s.regions().get((int) (i % s.regions().size()));
    }

    /**
     * Sends writes at {@code rate} per second for {@code duration}, or until {@code stop} says so;
     * returns once every write sent has been answered.
     */
    Result run(String prefix, int rate, Duration duration, BooleanSupplier stop) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] value = WriteScenario.body(s.valueSize()).getBytes(StandardCharsets.US_ASCII);
        Recorder latency = new Recorder(HISTOGRAM_MAX_MICROS, 3);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long n = rate * duration.toSeconds();
        long sent = 0;
        long t0 = System.nanoTime();
        for (long i = 0; i < n && !stop.getAsBoolean(); i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            HttpRequest put = HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/kv/" + prefix + i))
                    .timeout(REQUEST_TIMEOUT)
                    .header("X-Region", region(i))
                    .header("X-Tenant", BenchSettings.TENANT)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                    .build();
            client.sendAsync(put, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latency.recordValue(Math.min((System.nanoTime() - due) / 1000, HISTOGRAM_MAX_MICROS));
                if (failure == null && response.statusCode() == 200) {
                    acknowledged.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                inFlight.release();
            });
            sent++;
        }
        if (!inFlight.tryAcquire(MAX_IN_FLIGHT, REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the writes did not finish in time");
        }
        return new Result(
                sent, acknowledged.get(), errors.get(), System.nanoTime() - t0, latency.getIntervalHistogram());
    }
}
