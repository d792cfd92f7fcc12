package io.geokv.system.history;

import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.history.Fault;
import io.geokv.history.Operation;
import io.geokv.history.OperationKind;
import io.geokv.history.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One client process of a history: a closed loop of operations, each recorded with its real-time
 * interval and outcome. A session client sends the {@code X-Session} token of its last answer with
 * every request, so its reads are session reads; the others use no session.
 */
final class Client implements Runnable {

    /** How long a request may take before the client gives up on it (its outcome is then unknown). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final boolean usesSession;
    private final String homeRegion;
    private final HistoryPlan plan;
    private final Random random;
    private final Recorder recorder;
    private final List<HttpClient> gateways;
    private final List<Integer> ports;
    private final long deadlineNanos;
    private String sessionToken;
    /** The raw {@code X-Context} of the last read, for a context write or an {@code If-Match} to send back. */
    private String lastContext;

    private int lastGateway;
    /** The last context read of each key. */
    private final Map<String, String> contextsByKey = new HashMap<>();

    Client(
            String name,
            boolean usesSession,
            String homeRegion,
            HistoryPlan plan,
            long seed,
            Recorder recorder,
            List<HttpClient> gateways,
            List<Integer> ports,
            long deadlineNanos) {
        this.name = name;
        this.usesSession = usesSession;
        this.homeRegion = homeRegion;
        this.plan = plan;
        this.random = new Random(seed);
        this.recorder = recorder;
        this.gateways = gateways;
        this.ports = ports;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void run() {
        try {
            while (System.nanoTime() < deadlineNanos) {
                step();
                Thread.sleep(random.nextInt(plan.maxThinkMillis() + 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void step() {
        int roll = random.nextInt(100);
        String key = plan.keys().get(random.nextInt(plan.keys().size()));
        if (roll < 12) {
            casIncrement(plan.counters().get(random.nextInt(plan.counters().size())));
        } else if (roll < 38) {
            write(OperationKind.BLIND_WRITE, key, null);
        } else if (roll < 41) {
            writeWithAnotherKeysContext(key);
        } else if (roll < 56) {
            Operation read = read(usesSession ? OperationKind.SESSION_READ : OperationKind.EVENTUAL_READ, key);
            if (read.outcome() == Outcome.OK && lastContext != null) {
                write(OperationKind.CONTEXT_WRITE, key, lastContext);
            }
        } else if (roll < 62) {
            write(OperationKind.DELETE, key, null);
        } else if (roll < 80) {
            read(usesSession ? OperationKind.SESSION_READ : OperationKind.EVENTUAL_READ, key);
        } else if (roll < 90) {
            read(OperationKind.STRONG_READ, key);
        } else {
            read(OperationKind.EVENTUAL_READ, key);
        }
    }

    /**
     * A confused client: a context write with the context it read for another key. geokv must refuse it
     * (400), since such a context could claim writes of this key it never saw and hide later writes.
     */
    private void writeWithAnotherKeysContext(String key) {
        List<String> others = contextsByKey.keySet().stream()
                .filter(k -> !k.equals(key))
                .sorted()
                .toList();
        if (others.isEmpty()) {
            write(OperationKind.BLIND_WRITE, key, null);
        } else {
            write(OperationKind.CONTEXT_WRITE, key, contextsByKey.get(others.get(random.nextInt(others.size()))));
        }
    }

    /** A strong read of the counter, then a strong write of its value plus one with {@code If-Match}. */
    private void casIncrement(String counter) {
        Operation read = read(OperationKind.STRONG_READ, counter);
        if (read.outcome() != Outcome.OK || read.readValue() == null || lastContext == null) {
            return;
        }
        long current;
        try {
            current = Long.parseLong(read.readValue().trim());
        } catch (NumberFormatException e) {
            return; // not a counter value: nothing to increment (the checker reports how it got there)
        }
        String region = region();
        HttpRequest.Builder request = request(counter, region)
                .header(GeokvHeaders.CONSISTENCY, "strong")
                .header("If-Match", "\"" + lastContext + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString(Long.toString(current + 1)));
        Exchange exchange = exchange(request, region);
        recorder.operation(
                written(exchange, OperationKind.CAS_INCREMENT, counter, region, Long.toString(current + 1), current));
    }

    private void write(OperationKind kind, String key, String context) {
        String region = region();
        HttpRequest.Builder request = request(key, region);
        if (context != null) {
            request.header(GeokvHeaders.CONTEXT, context);
        }
        String value = null;
        if (kind == OperationKind.DELETE) {
            request.DELETE();
        } else {
            value = name + "-" + recorder.nextId();
            request.header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString(value));
        }
        Exchange exchange = exchange(request, region);
        recorder.operation(written(exchange, kind, key, region, value, null));
    }

    private Operation written(
            Exchange exchange, OperationKind kind, String key, String region, String value, Long expectedValue) {
        HttpAnswer answer = exchange.answer;
        return new Operation(
                exchange.id,
                name,
                session(),
                kind,
                plan.tenant(),
                key,
                region,
                value,
                exchange.invoked,
                exchange.completed,
                answer.writeOutcome(),
                answer.status(),
                answer.isProblem(),
                answer.problemType(),
                answer.eventId(),
                null,
                Map.of(),
                List.of(),
                expectedValue);
    }

    private Operation read(OperationKind kind, String key) {
        String region = region();
        HttpRequest.Builder request = request(key, region).GET();
        if (kind == OperationKind.STRONG_READ) {
            request.header(GeokvHeaders.CONSISTENCY, "strong");
        } else if (kind == OperationKind.SESSION_READ) {
            request.header(GeokvHeaders.CONSISTENCY, "session");
        }
        Exchange exchange = exchange(request, region);
        HttpAnswer answer = exchange.answer;
        Outcome outcome = answer.readOutcome();
        boolean answered = outcome == Outcome.OK;
        lastContext = answered ? answer.context() : null;
        if (lastContext != null) {
            contextsByKey.put(key, lastContext);
        }
        Operation read = new Operation(
                exchange.id,
                name,
                session(),
                kind,
                plan.tenant(),
                key,
                region,
                null,
                exchange.invoked,
                exchange.completed,
                outcome,
                answer.status(),
                answer.isProblem(),
                answer.problemType(),
                null,
                answered && answer.status() == 200 ? answer.body() : null,
                answered ? answer.decodedContext() : Map.of(),
                List.of(),
                null);
        recorder.operation(read);
        return read;
    }

    private HttpRequest.Builder request(String key, String region) {
        int gateway = random.nextInt(ports.size());
        lastGateway = gateway;
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(gateway) + "/kv/" + key))
                .header(GeokvHeaders.TENANT, plan.tenant())
                .header(GeokvHeaders.REGION, region);
        if (usesSession && sessionToken != null) {
            request.header(GeokvHeaders.SESSION, sessionToken);
        }
        return request;
    }

    private record Exchange(long id, long invoked, long completed, HttpAnswer answer) {}

    /**
     * Sends the request on the gateway {@link #request} chose. Now and then the client gives up after a
     * few milliseconds, closing the connection mid-request: the fault "client-cancel".
     */
    private Exchange exchange(HttpRequest.Builder request, String region) {
        long id = recorder.nextId();
        boolean cancels = random.nextDouble() < plan.cancelProbability();
        request.timeout(cancels ? Duration.ofMillis(1 + random.nextInt(40)) : REQUEST_TIMEOUT);
        long invoked = System.nanoTime();
        HttpAnswer answer;
        try {
            answer = HttpAnswer.of(
                    gateways.get(lastGateway).send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            answer = HttpAnswer.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = HttpAnswer.NONE;
        }
        long completed = System.nanoTime();
        if (cancels && answer.status() == 0) {
            recorder.fault(new Fault("client-cancel", region, invoked, completed));
        }
        if (usesSession && answer.session() != null) {
            sessionToken = answer.session();
        }
        return new Exchange(id, invoked, completed, answer);
    }

    private String session() {
        return usesSession ? name : null;
    }

    private String region() {
        return random.nextInt(5) == 0
                ? HistoryDeployment.REGIONS.get(random.nextInt(HistoryDeployment.REGIONS.size()))
                : homeRegion;
    }
}
