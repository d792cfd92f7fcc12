package io.geokv.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load generator: at most {@code connections} requests in flight (a semaphore),
 * a warmup that is not recorded, then a measured phase bounded in time and in request count.
 * Latency is from send to the complete response, recorded in microseconds with HdrHistogram
 * (closed loop: no coordinated-omission correction, so the percentiles are optimistic under overload).
 */
final class HttpLoad {

    /** What one measured phase gave. */
    record Result(long ok, long errors, long elapsedNanos, Histogram latencyMicros) {

        double throughput() {
            return Figures.perSecond(ok, elapsedNanos);
        }

        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("throughput_rps", Figures.round(throughput(), 1));
            m.putAll(Figures.latencies(latencyMicros));
            m.put("requests_ok", ok);
            m.put("errors", errors);
            m.put("measured_s", Figures.round(elapsedNanos / 1e9, 3));
            return m;
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client;
    private final int connections;

    HttpLoad(int connections) {
        this.connections = connections;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    HttpClient client() {
        return client;
    }

    /**
     * Runs a warmup, then the measured phase. {@code requestFor(i)} builds the i-th request (i counts
     * from 0 across warmup and measurement); a response counts as ok when {@code okStatus} matches.
     */
    Result run(LongFunction<HttpRequest> requestFor, int okStatus, Duration warmup, Duration measure, long maxRequests)
            throws InterruptedException {
        AtomicLong sequence = new AtomicLong();
        phase(requestFor, okStatus, sequence, warmup, Long.MAX_VALUE, null);
        return phase(requestFor, okStatus, sequence, measure, maxRequests, Figures.latencyHistogram());
    }

    /** Sends exactly {@code count} requests (bounded by {@code limit}); for preparing data. */
    Result runCount(LongFunction<HttpRequest> requestFor, int okStatus, long count, Duration limit)
            throws InterruptedException {
        return phase(requestFor, okStatus, new AtomicLong(), limit, count, Figures.latencyHistogram());
    }

    private Result phase(LongFunction<HttpRequest> requestFor, int okStatus, AtomicLong sequence,
                         Duration duration, long maxRequests, Histogram histogram) throws InterruptedException {
        Semaphore inFlight = new Semaphore(connections);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        long sent = 0;
        while (sent < maxRequests && System.nanoTime() < deadline) {
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            HttpRequest request = requestFor.apply(sequence.getAndIncrement());
            long sentAt = System.nanoTime();
            sent++;
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
                long micros = (System.nanoTime() - sentAt) / 1000;
                if (failure == null && response.statusCode() == okStatus) {
                    ok.incrementAndGet();
                    if (histogram != null) {
                        synchronized (histogram) {
                            histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                        }
                    }
                } else {
                    errors.incrementAndGet();
                }
                inFlight.release();
            });
        }
        // Let what is in flight finish (bounded by the request timeout), so every sent request is counted.
        if (!inFlight.tryAcquire(connections, REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
            errors.addAndGet(connections - inFlight.availablePermits());
        }
        long elapsed = System.nanoTime() - start;
        Histogram result = histogram == null ? Figures.latencyHistogram() : histogram;
        return new Result(ok.get(), errors.get(), elapsed, result);
    }

    static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(java.net.URI.create(url)).timeout(REQUEST_TIMEOUT);
    }
}
