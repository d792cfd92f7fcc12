package io.geokv.system.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.history.CheckReport;
import io.geokv.history.History;
import io.geokv.history.HistoryFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Randomized histories against a real deployment, checked by the history checker: concurrent clients
 * over three regions, faults at random moments, and no anomaly allowed.
 *
 * <p>{@code geokv.histories} (default 2) histories of {@code geokv.histories.seconds} (default 6)
 * each, seeds drawn from {@code geokv.histories.seed} (default 1); {@code scripts/check-histories.sh}
 * sets them. Every history and its report are written to {@code target/histories/}.
 */
class HistoriesIT {

    private static HistoryDeployment deployment;

    @BeforeAll
    static void start() throws Exception {
        deployment = HistoryDeployment.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void randomizedHistoriesWithFaultsShowNoAnomaly() throws Exception {
        int histories = Integer.getInteger("geokv.histories", 2);
        Duration duration = Duration.ofSeconds(Integer.getInteger("geokv.histories.seconds", 6));
        long baseSeed = Long.getLong("geokv.histories.seed", 1L);
        Path dir = Files.createDirectories(Path.of("target", "histories"));
        Random seeds = new Random(baseSeed);
        List<CheckReport> failed = new ArrayList<>();
        Map<String, Long> faults = new TreeMap<>();
        long operations = 0;
        long started = System.nanoTime();
        for (int i = 0; i < histories; i++) {
            long seed = seeds.nextLong();
            long historyStarted = System.nanoTime();
            History history = HistoryRun.run(deployment, HistoryPlan.draw(seed, duration));
            CheckReport report = CheckReport.of(history);
            String name = "history-" + Long.toUnsignedString(seed, 36);
            HistoryFiles.write(dir.resolve(name + ".json"), history);
            Files.writeString(dir.resolve(name + "-report.json"), report.toJson());
            report.faultsByKind().forEach((kind, n) -> faults.merge(kind, n, Long::sum));
            operations += history.operations().size();
            System.out.printf(
                    "history %d/%d seed %s: %d operations, %d events, faults %s, %d anomalies, %d s%n",
                    i + 1,
                    histories,
                    Long.toUnsignedString(seed, 36),
                    history.operations().size(),
                    history.log().size(),
                    report.faultsByKind(),
                    report.anomalyCount(),
                    Duration.ofNanos(System.nanoTime() - historyStarted).toSeconds());
            if (!report.passed()) {
                failed.add(report);
                System.out.println(report.toJson());
            }
        }
        System.out.printf(
                "histories: %d in %d s, %d operations, faults %s, %d with anomalies%n",
                histories,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                operations,
                faults,
                failed.size());
        assertThat(failed).as("histories with anomalies (see target/histories)").isEmpty();
    }
}
