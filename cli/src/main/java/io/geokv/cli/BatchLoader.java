package io.geokv.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Loads JSON lines, each one write of {@code POST /kv/_batch} ({@code {"key", "value"}}, with
 * {@code value_encoding}, {@code content_type}, {@code context}, {@code ttl} or {@code "delete": true}), in batches
 * sent a few at a time. A batch the gateway refuses for now (429, 503) is sent again after its
 * {@code Retry-After}; a write the gateway refuses, or a line that is not a write, is a failure of its
 * own and the others go on.
 */
final class BatchLoader {

    /** A write that was not done: its line (from 1), key, and the status and problem type it got. */
    record Failure(long line, String key, int status, String type, String detail) {}

    record Summary(long writes, long succeeded, List<Failure> failures, Duration took) {

        double perSecond() {
            return took.isZero() ? 0 : writes * 1e9 / took.toNanos();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway;
    private final int batchSize;
    private final int concurrency;
    private final String consistency;
    private final Duration patience;

    /**
     * @param patience how long a batch may keep being refused for now (429, 503) before its writes
     *     count as failed
     */
    BatchLoader(GatewayClient gateway, int batchSize, int concurrency, String consistency, Duration patience) {
        this.gateway = gateway;
        this.batchSize = batchSize;
        this.concurrency = concurrency;
        this.consistency = consistency;
        this.patience = patience;
    }

    private record Line(long number, String key, JsonNode write) {}

    /**
     * @param done told the number of writes done (succeeded or failed) so far, after each batch
     * @throws IOException when the input cannot be read or the gateway cannot be reached
     */
    Summary load(BufferedReader input, LongConsumer done) throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong succeeded = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        Semaphore inFlight = new Semaphore(concurrency);
        List<Future<?>> sent = new ArrayList<>();
        long writes = 0;
        ExecutorService senders = Executors.newFixedThreadPool(concurrency);
        try {
            List<Line> batch = new ArrayList<>();
            long number = 0;
            for (String text = input.readLine(); text != null; text = input.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                writes++;
                Line line = parse(number, text, failures);
                if (line == null) {
                    done.accept(finished.incrementAndGet());
                    continue;
                }
                batch.add(line);
                if (batch.size() == batchSize) {
                    sent.add(send(senders, inFlight, List.copyOf(batch), failures, succeeded, finished, done));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                sent.add(send(senders, inFlight, List.copyOf(batch), failures, succeeded, finished, done));
            }
            for (Future<?> batchSent : sent) {
                batchSent.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io
                    ? io
                    : new IOException(e.getCause().getMessage(), e);
        } finally {
            senders.shutdownNow();
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Long.compare(a.line(), b.line()));
        return new Summary(writes, succeeded.get(), sorted, Duration.ofNanos(System.nanoTime() - started));
    }

    private static Line parse(long number, String text, List<Failure> failures) {
        try {
            JsonNode write = JSON.readTree(text);
            if (write instanceof ObjectNode && write.path("key").isTextual()) {
                return new Line(number, write.get("key").asText(), write);
            }
            failures.add(new Failure(number, null, 0, "invalid-line", "not a JSON object with a string \"key\""));
        } catch (JsonProcessingException e) {
            failures.add(new Failure(number, null, 0, "invalid-line", "not JSON: " + e.getOriginalMessage()));
        }
        return null;
    }

    private Future<?> send(
            ExecutorService senders,
            Semaphore inFlight,
            List<Line> batch,
            List<Failure> failures,
            AtomicLong succeeded,
            AtomicLong finished,
            LongConsumer done)
            throws InterruptedException {
        inFlight.acquire();
        return senders.submit(() -> {
            try {
                sendUntilAnswered(batch, failures, succeeded);
                done.accept(finished.addAndGet(batch.size()));
                return null;
            } finally {
                inFlight.release();
            }
        });
    }

    private void sendUntilAnswered(List<Line> batch, List<Failure> failures, AtomicLong succeeded)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode writes = body.putArray("writes");
        batch.forEach(line -> writes.add(line.write()));
        String json = JSON.writeValueAsString(body);
        long giveUp = System.nanoTime() + patience.toNanos();
        while (true) {
            GatewayClient.Answer answer = gateway.postJson("/kv/_batch", json, consistency);
            if (answer.status() == 200) {
                record(batch, JSON.readTree(answer.body()).path("results"), failures, succeeded);
                return;
            }
            boolean forNow = answer.status() == 429 || answer.status() == 503;
            if (!forNow || System.nanoTime() > giveUp) {
                JsonNode problem = problem(answer.body());
                for (Line line : batch) {
                    failures.add(new Failure(
                            line.number(),
                            line.key(),
                            answer.status(),
                            shortType(problem.path("type").asText(null)),
                            problem.path("detail").asText(null)));
                }
                return;
            }
            Thread.sleep(Math.max(1, answer.retryAfterSeconds()) * 1000);
        }
    }

    private static void record(List<Line> batch, JsonNode results, List<Failure> failures, AtomicLong succeeded) {
        for (int i = 0; i < batch.size(); i++) {
            JsonNode result = results.path(i);
            int status = result.path("status").asInt(0);
            if (status == 200) {
                succeeded.incrementAndGet();
            } else {
                Line line = batch.get(i);
                failures.add(new Failure(
                        line.number(),
                        line.key(),
                        status,
                        result.path("type").asText(null),
                        result.path("detail").asText(null)));
            }
        }
    }

    /** A problem type's name: {@code invalid-batch} of {@code https://geokv.io/problems/invalid-batch}. */
    private static String shortType(String type) {
        return type == null ? null : type.substring(type.lastIndexOf('/') + 1);
    }

    private static JsonNode problem(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
