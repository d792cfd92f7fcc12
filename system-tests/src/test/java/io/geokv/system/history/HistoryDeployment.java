package io.geokv.system.history;

import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyLimits;
import io.geokv.gateway.GatewayApplication;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.position.LogPositions;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.store.RegionStores;
import io.geokv.system.Admins;
import io.geokv.system.ReplicationProcess;
import io.geokv.system.TestCluster;
import io.geokv.testing.TcpProxy;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The deployment histories run against, built so that every fault of the runner can be injected
 * without touching what other tests share: a real KRaft broker in this JVM; replication-streams for
 * all regions in a child JVM (SIGKILL-able); a Redis server of its own (restartable); every region's
 * PostgreSQL behind a {@link TcpProxy} (cuttable), with databases {@code geokv_history_<region>}; and
 * two gateways in this JVM, the second on a {@link SkewableClock}.
 */
final class HistoryDeployment implements AutoCloseable {

    static final List<String> REGIONS = TestStores.REGIONS;
    static final String DATABASE_PREFIX = "geokv_history_";

    private final Path workDir;
    private final RedisServer redis;
    private final Map<String, TcpProxy> postgresProxies;
    private final SkewableClock skewedClock = new SkewableClock();
    private final AtomicInteger replicationStarts = new AtomicInteger();
    private final ConfigurableApplicationContext gateway;
    private final ConfigurableApplicationContext skewedGateway;
    private volatile ReplicationProcess replication;

    private HistoryDeployment(Path workDir) throws IOException {
        this.workDir = workDir;
        TestCluster.recreateDatabases(DATABASE_PREFIX);
        redis = RedisServer.start(Files.createDirectories(workDir.resolve("redis")));
        postgresProxies = new LinkedHashMap<>();
        for (String region : REGIONS) {
            postgresProxies.put(region, new TcpProxy(5432));
        }
        startReplication();
        gateway = startGateway(Clock.systemUTC(), TestCluster.gatewayProperties());
        skewedGateway = startGateway(skewedClock, TestCluster.extraGatewayProperties());
        awaitReplicating();
    }

    /**
     * Waits until a strong write of a tenant no history uses succeeds: replication runs in every
     * region, so a history's first operations do not meet a replication process still starting.
     */
    private void awaitReplicating() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest warmUp = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(gateway) + "/kv/warm-up"))
                .header(GeokvHeaders.TENANT, "history-warm-up")
                .header(GeokvHeaders.CONSISTENCY, "strong")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("ready"))
                .timeout(Duration.ofSeconds(15))
                .build();
        await("replication runs in every region")
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> http.send(warmUp, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    static HistoryDeployment start() throws IOException {
        return new HistoryDeployment(Files.createTempDirectory("geokv-histories"));
    }

    /** The endpoints of every region, shared by the gateways and replication. */
    private Map<String, Object> storeProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("geokv.database-prefix", DATABASE_PREFIX);
        for (int i = 0; i < REGIONS.size(); i++) {
            String region = "geokv.regions[" + i + "]";
            properties.put(region + ".name", REGIONS.get(i));
            properties.put(
                    region + ".postgres.port",
                    postgresProxies.get(REGIONS.get(i)).port());
            properties.put(region + ".redis.uri", "redis://127.0.0.1:" + redis.port() + "/" + i);
        }
        return properties;
    }

    private ConfigurableApplicationContext startGateway(Clock clock, Map<String, Object> base) {
        Map<String, Object> properties = new LinkedHashMap<>(base);
        properties.putAll(storeProperties());
        // Short waits, so that a fault costs seconds of a history rather than its whole length.
        properties.put("geokv.gateway.consistency.strong-timeout", "4s");
        properties.put("geokv.gateway.consistency.lock-wait", "4s");
        properties.put("geokv.gateway.write-timeout", "5s");
        return GatewayApplication.builder()
                .registerShutdownHook(false)
                .initializers(context -> ((GenericApplicationContext) context).registerBean(Clock.class, () -> clock))
                .run(TestReplication.asArguments(properties));
    }

    /** The gateways clients talk to: the first on the system clock, the second on the skewable one. */
    List<Integer> gatewayPorts() {
        return List.of(port(gateway), port(skewedGateway));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    RegionStores stores() {
        return gateway.getBean(RegionStores.class);
    }

    Admin admin() {
        return Admins.of(gateway);
    }

    int siblingsPerOrigin() {
        return gateway.getBean(KeyLimits.class).siblingsPerOrigin();
    }

    String bootstrapServers() {
        return TestKafka.bootstrapServers();
    }

    /** A consumer of raw records that reads only committed ones, assigned by the caller. */
    KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(properties);
    }

    TopicOffsets topicOffsets() {
        return new TopicOffsets(admin(), Duration.ofSeconds(30));
    }

    /** The end offset of every event partition: where the log stands now. */
    LogPositions logEnd() {
        TopicOffsets offsets = topicOffsets();
        return offsets.ends(offsets.eventPartitions(REGIONS));
    }

    /** Whether every region's PostgreSQL has applied every event up to {@code target}. */
    boolean everyRegionApplied(LogPositions target) {
        RegionProgress progress = gateway.getBean(RegionProgress.class);
        return REGIONS.stream().allMatch(region -> progress.hasApplied(region, target));
    }

    // Faults -------------------------------------------------------------------------------------

    void killReplication() throws InterruptedException {
        replication.kill();
    }

    void startReplication() {
        int start = replicationStarts.incrementAndGet();
        replication = ReplicationProcess.start(
                workDir.resolve("streams-state"),
                ReplicationProcess.logFile("histories-replication-" + start),
                storeProperties());
    }

    boolean replicationAlive() {
        return replication.isAlive();
    }

    void stopRedis() throws InterruptedException {
        redis.stop();
    }

    void startRedis() {
        redis.start();
    }

    void cutPostgres(String region) throws IOException {
        postgresProxies.get(region).cut();
    }

    void restorePostgres(String region) throws IOException {
        postgresProxies.get(region).restore();
    }

    void skewClock(Duration offset) {
        skewedClock.skew(offset);
    }

    @Override
    public void close() throws Exception {
        if (replication != null) {
            replication.stop();
        }
        TestCluster.retire(skewedGateway);
        skewedGateway.close();
        gateway.close();
        for (TcpProxy proxy : postgresProxies.values()) {
            proxy.close();
        }
        redis.close();
        FileSystemUtils.deleteRecursively(workDir);
    }
}
