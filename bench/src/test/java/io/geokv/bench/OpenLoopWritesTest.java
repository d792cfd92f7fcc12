package io.geokv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The open-loop writer against a local HTTP server whose answers it can be made to wait for. */
class OpenLoopWritesTest {

    private final Map<String, AtomicInteger> perRegion = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(16);
    private volatile long answerDelayMillis;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(workers);
        server.createContext("/kv/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String region = exchange.getRequestHeaders().getFirst("X-Region");
            perRegion.computeIfAbsent(region, r -> new AtomicInteger()).incrementAndGet();
            try {
                Thread.sleep(answerDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = exchange.getRequestURI().getPath().endsWith("7") ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        workers.shutdownNow();
    }

    private OpenLoopWrites writer(int connections) {
        return new OpenLoopWrites(new BenchSettings(
                true,
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "",
                "",
                "",
                0,
                "",
                "",
                "",
                List.of("a", "b", "c"),
                "",
                0,
                0,
                connections,
                200,
                0,
                0,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                0,
                0,
                0,
                Duration.ZERO,
                Map.of(),
                Map.of()));
    }

    @Test
    void sendsEveryWriteAtTheOfferedRateSpreadOverTheRegions() throws Exception {
        OpenLoopWrites.Result result = writer(8).run("k", 500, Duration.ofSeconds(2), () -> false);

        assertThat(result.offered()).isEqualTo(1000);
        // Keys ending in 7 are answered 503: errors, not acknowledgements.
        assertThat(result.errors()).isEqualTo(100);
        assertThat(result.acknowledged()).isEqualTo(900);
        assertThat(result.nanos())
                .isBetween(
                        Duration.ofMillis(1900).toNanos(), Duration.ofSeconds(4).toNanos());
        assertThat(perRegion.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(perRegion.values()).allSatisfy(n -> assertThat(n.get()).isBetween(333, 334));
    }

    @Test
    void latencyRunsFromTheIntendedSendTimeWhenAnswersAreLate() throws Exception {
        // One connection, answers after 50 ms, 100 writes offered per second: the writes queue up behind
        // each other, so the last ones wait far longer than 50 ms after their intended time.
        answerDelayMillis = 50;
        OpenLoopWrites.Result result = writer(1).run("k", 100, Duration.ofSeconds(1), () -> false);

        assertThat(result.offered()).isEqualTo(100);
        assertThat(result.latency().getMaxValue())
                .isGreaterThan(Duration.ofMillis(3000).toNanos() / 1000);
        assertThat(result.latency().getMinValue())
                .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos() / 1000);
    }

    @Test
    void stopsWhenAskedAndStillAnswersForWhatItSent() throws Exception {
        // Asked before each write a connection takes: it says stop after 100, whenever they come (a
        // deadline in time made this test depend on how long the JVM took to load Netty).
        AtomicInteger asked = new AtomicInteger();
        OpenLoopWrites.Result result =
                writer(4).run("k", 200, Duration.ofSeconds(10), () -> asked.incrementAndGet() > 100);

        assertThat(result.offered()).isEqualTo(100L);
        assertThat(result.acknowledged() + result.errors()).isEqualTo(result.offered());
    }
}
