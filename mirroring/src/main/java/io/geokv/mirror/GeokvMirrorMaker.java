package io.geokv.mirror;

import io.geokv.residency.Residency;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.connect.mirror.MirrorMaker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * MirrorMaker 2 in dedicated mode with geokv's flows ({@link MirrorFlows}) and transform, until
 * SIGTERM: the process a multi-cluster deployment runs beside each region's Kafka cluster
 * ({@code --region}), or once for every region (no {@code --region}, as {@code scripts/run-local.sh
 * --clusters 3} does on one machine).
 */
@Command(
        name = "geokv-mirror-maker",
        mixinStandardHelpOptions = true,
        description = "Mirrors every region's event topic into the other regions' Kafka clusters until SIGTERM.")
public final class GeokvMirrorMaker implements Callable<Integer> {

    @Option(
            names = "--cluster",
            required = true,
            paramLabel = "REGION=BOOTSTRAP_SERVERS",
            description = "A region and the bootstrap servers of its Kafka cluster; one per region, in the"
                    + " deployment's order.")
    Map<String, String> clusters = new LinkedHashMap<>();

    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "The regions whose cluster this process mirrors into (repeatable); every region by default.")
    List<String> regions = List.of();

    @Option(
            names = "--resident",
            paramLabel = "TENANT=REGION[,REGION...]",
            description = "A resident tenant and the regions its data may be stored in (repeatable): its events"
                    + " reach other regions' clusters only as placeholders without key and value. The same as"
                    + " geokv.residency.tenants of the applications.")
    Map<String, String> resident = new LinkedHashMap<>();

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "Replicas of every topic MirrorMaker 2 creates (its default: 3); set below 3 for smaller"
                    + " clusters.")
    Integer replicationFactor;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A further MirrorMaker 2 setting (intervals, client settings, ...).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    /**
     * MirrorMaker 2's stop waits without a bound for each cluster's herder, which hangs on a cluster that
     * no longer answers: the process does not wait for it longer than this.
     */
    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    public static void main(String[] args) {
        System.exit(new CommandLine(new GeokvMirrorMaker()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        for (String region : regions) {
            if (!clusters.containsKey(region)) {
                throw new ParameterException(
                        spec.commandLine(), "--region " + region + " has no --cluster; clusters: " + clusters.keySet());
            }
        }
        List<String> targets = regions.isEmpty() ? List.copyOf(clusters.keySet()) : regions;
        Map<String, String> all = new LinkedHashMap<>();
        if (replicationFactor != null) {
            all.putAll(MirrorFlows.replicationFactor(replicationFactor));
        }
        all.putAll(settings);
        Map<String, List<String>> allowed = new LinkedHashMap<>();
        resident.forEach((tenant, regionList) -> allowed.put(tenant, List.of(regionList.split(","))));
        Residency residency;
        try {
            residency = Residency.of(clusters.keySet(), allowed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--resident: " + e.getMessage());
        }
        MirrorMaker mirror = new MirrorMaker(MirrorFlows.properties(clusters, residency, all), targets);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> stopWithin(mirror, STOP_BOUND), "geokv-mirror-maker-stop"));
        mirror.start();
        System.out.println("geokv-mirror-maker mirroring into " + targets);
        // Until SIGTERM: the shutdown hook stops MirrorMaker 2.
        Thread.currentThread().join();
        return 0;
    }

    /** Stops MirrorMaker 2, waiting for it at most {@code bound}. */
    public static void stopWithin(MirrorMaker mirror, Duration bound) {
        Thread stopping = new Thread(mirror::stop, "mirror-maker-stop");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
