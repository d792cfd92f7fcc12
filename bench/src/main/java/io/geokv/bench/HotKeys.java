package io.geokv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The K keys {@code <prefix><i>} of the bench tenant a read scenario reads, written through the
 * gateway, key i in region {@code regions[i % R]}, where it is then always read.
 */
final class HotKeys {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final BenchSettings s;
    private final HttpClient client;
    private final String prefix;
    private final int count;
    private final String tenant;

    HotKeys(BenchSettings settings, HttpClient client, String prefix, int count) {
        this(settings, client, prefix, count, BenchSettings.TENANT);
    }

    private HotKeys(BenchSettings settings, HttpClient client, String prefix, int count, String tenant) {
        this.s = settings;
        this.client = client;
        this.prefix = prefix;
        this.count = count;
        this.tenant = tenant;
    }

    /**
     * {@code settings.hotKeys()} new keys named {@code bench-<name>-<run>-<i>}, written with one
     * random value of the bench's value size (from {@code seed}), each acknowledged.
     */
    static HotKeys written(BenchSettings settings, String name, long seed) throws InterruptedException {
        return written(settings, name, seed, BenchSettings.TENANT, settings.hotKeys());
    }

    /** {@code count} new keys of {@code tenant}, like {@link #written(BenchSettings, String, long)}. */
    static HotKeys written(BenchSettings settings, String name, long seed, String tenant, int count)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        HotKeys hot = new HotKeys(settings, client, "bench-" + name + "-" + run + "-", count, tenant);
        byte[] value = new byte[settings.valueSize()];
        new Random(seed).nextBytes(value);
        hot.write(value);
        return hot;
    }

    /** The HTTP client the keys were written with. */
    HttpClient client() {
        return client;
    }

    /** The keys' common prefix: key i is {@code prefix + i}. */
    int count() {
        return count;
    }

    /** The tenant whose keys they are. */
    String tenant() {
        return tenant;
    }

    /** The keys' common prefix: key i is {@code prefix + i}. */
    String prefix() {
        return prefix;
    }

    /** The region key i is written to and read from. */
    String region(long i) {
        List<String> regions = s.regions();
        return regions.get((int) (i % regions.size()));
    }

    /** Writes every key, a few requests in flight; fails unless every write was acknowledged. */
    void write(byte[] value) throws InterruptedException {
        int parallel = 16;
        Semaphore inFlight = new Semaphore(parallel);
        AtomicInteger ok = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            HttpRequest put = request(i)
                    .header("X-Region", region(i))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                    .build();
            client.sendAsync(put, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                if (failure == null && response.statusCode() == 200) {
                    ok.incrementAndGet();
                }
                inFlight.release();
            });
        }
        if (!inFlight.tryAcquire(parallel, REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the hot-key writes did not finish in time");
        }
        if (ok.get() != count) {
            throw new IllegalStateException(
                    "could not write the hot keys: " + ok.get() + " of " + count + " acknowledged");
        }
    }

    /**
     * Waits until each key is served (materialized), then reads it once more; returns how many keys
     * that second read served from the cache (X-Source: cache). Bounded by the materialize timeout.
     */
    int warm() throws Exception {
        long deadline = System.nanoTime() + s.materializeTimeout().toNanos();
        int cached = 0;
        for (int i = 0; i < count; i++) {
            HttpRequest get = request(i).header("X-Region", region(i)).GET().build();
            while (true) {
                HttpResponse<Void> first = client.send(get, HttpResponse.BodyHandlers.discarding());
                if (first.statusCode() == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "hot key " + i + " was not readable in time (status " + first.statusCode() + ")");
                }
                Thread.sleep(50);
            }
            HttpResponse<Void> second = client.send(get, HttpResponse.BodyHandlers.discarding());
            if (second.statusCode() == 200
                    && second.headers().firstValue("X-Source").orElse("").equals("cache")) {
                cached++;
            }
        }
        return cached;
    }

    private HttpRequest.Builder request(long i) {
        return HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/kv/" + prefix + i))
                .header("X-Tenant", tenant)
                .timeout(REQUEST_TIMEOUT);
    }
}
