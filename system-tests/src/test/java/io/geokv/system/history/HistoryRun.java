package io.geokv.system.history;

import static org.awaitility.Awaitility.await;

import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.history.History;
import io.geokv.history.LoggedEvent;
import io.geokv.history.Operation;
import io.geokv.history.OperationKind;
import io.geokv.history.Outcome;
import io.geokv.position.LogPositions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs one seeded history against a {@link HistoryDeployment}: every counter gets its initial value,
 * the clients and the fault injector run for the plan's duration, every fault is healed, replication
 * quiesces, and the operations, faults, log, final states and digests are returned as a {@link
 * History}. Every key uses geokv's default policy, last-writer-wins.
 */
final class HistoryRun {

    private static final Duration QUIESCE = Duration.ofMinutes(3);

    private HistoryRun() {}

    static History run(HistoryDeployment deployment, HistoryPlan plan) throws Exception {
        Recorder recorder = new Recorder();
        LogPositions start = deployment.logEnd();
        List<Integer> ports = deployment.gatewayPorts();
        List<HttpClient> gateways = ports.stream()
                .map(port -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build())
                .toList();
        for (String counter : plan.counters()) {
            initialize(recorder, gateways.get(0), ports.get(0), plan.tenant(), counter);
        }

        Random random = new Random(plan.seed());
        long deadline = System.nanoTime() + plan.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < plan.clients(); i++) {
            String home = HistoryDeployment.REGIONS.get(i % HistoryDeployment.REGIONS.size());
            Client client = new Client(
                    "p" + i,
                    i < plan.sessionClients(),
                    home,
                    plan,
                    random.nextLong(),
                    recorder,
                    gateways,
                    ports,
                    deadline);
            threads.add(new Thread(client, "history-client-p" + i));
        }
        FaultInjector faults =
                new FaultInjector(deployment, recorder, random.nextLong(), deadline, start, plan.tenant());
        threads.add(new Thread(faults, "history-faults"));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        if (faults.failure() != null) {
            throw new IllegalStateException(
                    "history " + plan.seed() + ": a fault was not recovered from", faults.failure());
        }

        LogPositions end = deployment.logEnd();
        await("every region applies the history's log")
                .atMost(QUIESCE)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> deployment.everyRegionApplied(end));
        Outcomes outcomes = new Outcomes(deployment);
        List<LoggedEvent> log = outcomes.log(plan.tenant(), start, end);
        return new History(
                plan.seed(),
                HistoryDeployment.REGIONS,
                deployment.siblingsPerOrigin(),
                recorder.operations(),
                recorder.faults(),
                log,
                outcomes.finalStates(plan.tenant(), log, ports.get(0)),
                outcomes.digests(),
                true);
    }

    /** The counter's initial {@code 0}, retried until acknowledged: the checker needs one known start. */
    private static void initialize(Recorder recorder, HttpClient http, int port, String tenant, String counter)
            throws Exception {
        await("initial value of " + counter).atMost(Duration.ofMinutes(1)).until(() -> {
            long id = recorder.nextId();
            long invoked = System.nanoTime();
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/kv/" + counter))
                            .header(GeokvHeaders.TENANT, tenant)
                            .header(GeokvHeaders.CONSISTENCY, "strong")
                            .header("Content-Type", "text/plain")
                            .PUT(HttpRequest.BodyPublishers.ofString("0"))
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpAnswer answer = HttpAnswer.of(response);
            recorder.operation(new Operation(
                    id,
                    "setup",
                    null,
                    OperationKind.BLIND_WRITE,
                    tenant,
                    counter,
                    null,
                    "0",
                    invoked,
                    System.nanoTime(),
                    answer.writeOutcome(),
                    answer.status(),
                    answer.isProblem(),
                    answer.problemType(),
                    answer.eventId(),
                    null,
                    Map.of(),
                    List.of(),
                    null));
            return answer.writeOutcome() == Outcome.OK;
        });
    }
}
