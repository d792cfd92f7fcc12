package io.geokv.system.multi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A steady load of writes: one writer per region, each putting new keys ({@code <prefix>/<region>/<n>},
 * value {@code v<n>}) through the gateway, routed to its region, one after the other until stopped.
 */
final class WriteLoad implements AutoCloseable {

    /** One write's answer. */
    record Answer(String region, String key, String value, EntityExchangeResult<byte[]> result) {
        boolean acknowledged() {
            return result.getStatus() == HttpStatus.OK;
        }

        /** Where the gateway sent the write instead of its region, if it did ({@code X-Failover}). */
        String failover() {
            return result.getResponseHeaders().getFirst("X-Failover");
        }
    }

    private final ExecutorService writers;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final List<Future<?>> running = new ArrayList<>();

    /** @param onAnswer sees every answer, on the writer's thread, after an acknowledged one is recorded */
    WriteLoad(WebTestClient client, String prefix, List<String> regions, Consumer<Answer> onAnswer) {
        writers = Executors.newFixedThreadPool(regions.size());
        for (String region : regions) {
            running.add(writers.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = prefix + "/" + region + "/" + n;
                    Answer answer = new Answer(
                            region,
                            key,
                            "v" + n,
                            client.put()
                                    .uri("/kv/" + key)
                                    .header("X-Region", region)
                                    .bodyValue("v" + n)
                                    .exchange()
                                    .expectBody()
                                    .returnResult());
                    if (answer.acknowledged()) {
                        acknowledged.put(key, answer.value());
                    }
                    onAnswer.accept(answer);
                }
                return null;
            }));
        }
    }

    /** Every acknowledged write so far, key to value. */
    Map<String, String> acknowledged() {
        return acknowledged;
    }

    /** Stops the writers and waits for them; a writer's failure (an assertion in its callback) is thrown here. */
    @Override
    public void close() throws Exception {
        stop.set(true);
        try {
            for (Future<?> writer : running) {
                writer.get(1, TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
    }
}
