package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventCodec;
import io.geokv.event.KvEvents;
import io.geokv.gateway.GatewayApplication;
import io.geokv.mirror.GeokvMirrorMaker;
import io.geokv.mirror.MirrorFlows;
import io.geokv.naming.GeokvNames;
import io.geokv.replication.ReplicationStreamsApplication;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStores;
import io.geokv.system.TestCluster;
import io.geokv.testing.KafkaProcess;
import io.geokv.testing.TestMirror;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import io.geokv.testing.TestStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.mirror.MirrorMaker;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/**
 * geokv in the multi topology, once per JVM: a Kafka cluster per region (a KRaft broker in a JVM of
 * its own, {@link KafkaProcess}, so a test can kill one), a MirrorMaker 2 per region in dedicated mode
 * beside its cluster, as a region would run it ({@code --clusters <region>}), mirroring the other
 * regions' event topics into it with the configuration {@link MirrorFlows} makes and reaching each
 * other cluster through a link of its own that a test can cut, replication-streams for every region (each reading its own
 * cluster) and a gateway (writing each region's events to its cluster), over the machine's PostgreSQL
 * (databases {@code geokv_multi_<region>}) and Redis (databases 7 to 9). The multi-cluster tests share it.
 *
 * <p>Before the mirror starts, every origin topic gets events written one transaction each, whose
 * commit markers take offsets the mirrored copies do not have: from then on a copy's offsets differ
 * from its origin's, so a position told in the wrong coordinates shows.
 */
final class MultiClusterDeployment {

    static final List<String> REGIONS = TestStores.REGIONS;

    /** The applications' residency ({@link TestStores#properties()}), for the mirror. */
    static final Residency RESIDENCY = Residency.of(REGIONS, TestStores.RESIDENCY);

    static final String DATABASE_PREFIX = "geokv_multi_";
    static final String SHIFT_TENANT = "offset-shift";
    private static final int REDIS_FIRST_DATABASE = 7;
    private static final int SHIFTING_EVENTS = 24;

    private static MultiClusterDeployment shared;
    private static Throwable startFailure;

    private final Map<String, KafkaProcess> brokers;
    private final Map<String, String> clusters;
    private final ConfigurableApplicationContext replication;
    private final ConfigurableApplicationContext gateway;

    private MultiClusterDeployment(
            Map<String, KafkaProcess> brokers,
            Map<String, String> clusters,
            ConfigurableApplicationContext replication,
            ConfigurableApplicationContext gateway) {
        this.brokers = brokers;
        this.clusters = clusters;
        this.replication = replication;
        this.gateway = gateway;
    }

    /** Started once; a failed start fails every later test with the same error instead of starting again. */
    static synchronized MultiClusterDeployment shared() {
        if (startFailure != null) {
            throw new IllegalStateException("the multi-cluster deployment did not start", startFailure);
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException | Error e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    private static MultiClusterDeployment start() {
        Path work = tempDirectory("geokv-multi");
        Map<String, KafkaProcess> brokers = new LinkedHashMap<>();
        REGIONS.parallelStream()
                .map(region -> Map.entry(region, KafkaProcess.start(work.resolve("kafka-" + region), others(region))))
                .toList()
                .forEach(started -> brokers.put(started.getKey(), started.getValue()));
        Map<String, String> clusters = new LinkedHashMap<>();
        REGIONS.forEach(region -> clusters.put(region, brokers.get(region).bootstrapServers()));
        TestCluster.recreateDatabases(DATABASE_PREFIX);
        ConfigurableApplicationContext replication = startReplication(clusters);
        ConfigurableApplicationContext gateway = GatewayApplication.builder()
                .registerShutdownHook(false)
                .run(TestReplication.asArguments(gatewayProperties(clusters)));
        TestShutdown.register(gateway::close);
        clusters.forEach(MultiClusterDeployment::shiftOffsets);
        for (String region : REGIONS) {
            MirrorMaker mirror = new MirrorMaker(
                    MirrorFlows.properties(clustersSeenFrom(region, brokers), RESIDENCY, mirrorSettings()),
                    List.of(region));
            mirror.start();
            TestShutdown.register(() -> GeokvMirrorMaker.stopWithin(mirror, Duration.ofSeconds(20)));
        }
        return new MultiClusterDeployment(brokers, clusters, replication, gateway);
    }

    /** One replica of every topic MirrorMaker 2 creates (one broker per cluster), and the tests' intervals. */
    private static Map<String, String> mirrorSettings() {
        Map<String, String> settings = new LinkedHashMap<>(MirrorFlows.replicationFactor(1));
        settings.putAll(TestMirror.settings());
        return settings;
    }

    private static List<String> others(String region) {
        return REGIONS.stream().filter(other -> !other.equals(region)).toList();
    }

    /**
     * What a region's own MirrorMaker 2 reaches: its own cluster directly, and every other region's
     * through that region's link named after it, which {@link #cutOff} cuts.
     */
    private static Map<String, String> clustersSeenFrom(String region, Map<String, KafkaProcess> brokers) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String other : REGIONS) {
            seen.put(
                    other,
                    other.equals(region)
                            ? brokers.get(other).bootstrapServers()
                            : brokers.get(other).linkBootstrapServers(region));
        }
        return seen;
    }

    private static ConfigurableApplicationContext startReplication(Map<String, String> clusters) {
        Path stateDir = tempDirectory("geokv-streams-multi");
        Map<String, Object> properties = new LinkedHashMap<>(TestReplication.properties(stateDir));
        properties.putAll(topology(clusters));
        ConfigurableApplicationContext context = ReplicationStreamsApplication.builder()
                .registerShutdownHook(false)
                .run(TestReplication.asArguments(properties));
        TestShutdown.register(context::close);
        return context;
    }

    /** A directory deleted when the JVM exits, after everything registered later has stopped. */
    private static Path tempDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            TestShutdown.register(() -> FileSystemUtils.deleteRecursively(dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> gatewayProperties(Map<String, String> clusters) {
        Map<String, Object> properties = new LinkedHashMap<>(TestCluster.extraGatewayProperties());
        properties.putAll(topology(clusters));
        // A dead cluster is noticed within seconds, and a write to it gives up as soon.
        properties.put("geokv.gateway.health.interval", "500ms");
        properties.put("geokv.gateway.write-timeout", "3s");
        return properties;
    }

    /** The regions with a cluster each, their own databases and Redis databases. */
    private static Map<String, Object> topology(Map<String, String> clusters) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("geokv.topology", "multi");
        properties.put("geokv.database-prefix", DATABASE_PREFIX);
        properties.put("geokv.redis-first-database", REDIS_FIRST_DATABASE);
        // No single cluster: a client that used it would not reach anything.
        properties.put("spring.kafka.bootstrap-servers", "127.0.0.1:1");
        for (int i = 0; i < REGIONS.size(); i++) {
            properties.put("geokv.regions[" + i + "].name", REGIONS.get(i));
            properties.put("geokv.regions[" + i + "].kafka.bootstrap-servers", clusters.get(REGIONS.get(i)));
        }
        return properties;
    }

    /** Valid events of a tenant of its own on the region's origin topic, one transaction each. */
    private static void shiftOffsets(String region, String servers) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "multi-it-" + UUID.randomUUID());
        KvEventCodec codec = new KvEventCodec();
        HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int i = 0; i < SHIFTING_EVENTS; i++) {
                String key = "shift-" + i;
                byte[] event = codec.encode(KvEvents.newEvent(
                        UUID.randomUUID().toString(),
                        SHIFT_TENANT,
                        key,
                        ("from " + region).getBytes(StandardCharsets.UTF_8),
                        "text/plain",
                        region,
                        VersionVector.empty(),
                        clock.tick()));
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(
                        GeokvNames.eventTopic(region), EventTopics.recordKey(SHIFT_TENANT, key), event));
                producer.commitTransaction();
            }
        }
    }

    WebTestClient client() {
        return TestCluster.client(gateway);
    }

    int port() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    RegionStores stores() {
        return gateway.getBean(RegionStores.class);
    }

    /** replication-streams' actuator, where replays are asked for. */
    WebTestClient replicationActuator() {
        int port = ((WebServerApplicationContext) replication).getWebServer().getPort();
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port + "/actuator")
                .responseTimeout(Duration.ofMinutes(3))
                .build();
    }

    /** The value the last-writer-wins rule shows of the default tenant's key in a region's PostgreSQL. */
    String valueInPostgres(String region, String key) {
        return stores().get(region)
                .reader()
                .find("default", key)
                .blockOptional()
                .flatMap(state -> LastWriterWins.winner(state.siblings()))
                .map(Sibling::value)
                .map(v -> new String(v, StandardCharsets.UTF_8))
                .orElse(null);
    }

    /** Every region's digest, from the gateway. */
    List<Map<String, Object>> digests() {
        return client().get()
                .uri("/admin/digest")
                .exchange()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }

    /**
     * Waits until every region has the same digest, then checks each holds every acknowledged write.
     *
     * @return when the digests were seen equal ({@link System#nanoTime()})
     */
    long awaitConvergence(String after, Map<String, String> acknowledged) {
        await("every region converges after " + after)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(this::digestsAreEqual);
        long convergedAt = System.nanoTime();
        for (String region : REGIONS) {
            acknowledged.forEach((key, value) -> assertThat(valueInPostgres(region, key))
                    .as("%s in %s", key, region)
                    .isEqualTo(value));
        }
        return convergedAt;
    }

    /** Whether every region has the same digest. */
    boolean digestsAreEqual() {
        List<Map<String, Object>> digests = digests();
        return digests != null
                && digests.size() == REGIONS.size()
                && digests.stream().map(d -> d.get("digest")).distinct().count() == 1;
    }

    /**
     * Waits until every origin's offset-shifting events were mirrored and applied everywhere, and
     * every link carries MirrorMaker 2's heartbeats: the mirror links work. Each test starts with it,
     * whatever the tests before it did.
     */
    void awaitMirroring() {
        for (String region : REGIONS) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, clusters.get(region)))) {
                for (String origin : others(region)) {
                    TopicPartition heartbeats = new TopicPartition(GeokvNames.mirroredHeartbeatsTopic(origin), 0);
                    // The first heartbeats take a while: each MirrorMaker 2 creates its topic, then the others find it.
                    await("heartbeats of " + origin + " reach " + region)
                            .atMost(Duration.ofMinutes(2))
                            .ignoreExceptions()
                            .until(() -> admin.listOffsets(Map.of(heartbeats, OffsetSpec.maxTimestamp()))
                                            .partitionResult(heartbeats)
                                            .get(5, TimeUnit.SECONDS)
                                            .timestamp()
                                    > System.currentTimeMillis() - 5_000);
                }
            }
        }
        for (String region : REGIONS) {
            await("mirrored into " + region)
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> stores().get(region)
                                    .reader()
                                    .find(SHIFT_TENANT, "shift-0")
                                    .blockOptional()
                                    .map(state -> state.siblings().size())
                                    .orElse(0)
                            == REGIONS.size());
        }
    }

    /** {@code GET /admin/replication-lag}. */
    JsonNode lag() throws IOException {
        return new ObjectMapper()
                .readTree(client().get()
                        .uri("/admin/replication-lag")
                        .exchange()
                        .expectBody()
                        .returnResult()
                        .getResponseBody());
    }

    /** The lag of {@code region} behind {@code origin} in a {@link #lag()} answer. */
    static JsonNode pair(JsonNode lag, String region, String origin) {
        for (JsonNode pair : lag) {
            if (pair.get("region").asText().equals(region)
                    && pair.get("origin").asText().equals(origin)) {
                return pair;
            }
        }
        throw new AssertionError("no lag for " + region + " from " + origin + " in " + lag);
    }

    /**
     * Cuts a region off from the others: every mirror link into and out of its cluster, both ways.
     * Its cluster, replication, stores and gateway stay up.
     */
    void cutOff(String region) throws IOException {
        for (String other : others(region)) {
            cutMirrorLink(region, other);
            cutMirrorLink(other, region);
        }
    }

    /** Restores what {@link #cutOff} cut. */
    void heal(String region) {
        for (String other : others(region)) {
            restoreMirrorLink(region, other);
            restoreMirrorLink(other, region);
        }
    }

    /** Cuts the link by which {@code into}'s MirrorMaker 2 reads {@code origin}'s cluster. */
    void cutMirrorLink(String origin, String into) throws IOException {
        brokers.get(origin).cutLink(into);
    }

    void restoreMirrorLink(String origin, String into) {
        brokers.get(origin).restoreLink(into);
    }

    /** The broker of a region's cluster. */
    KafkaProcess broker(String region) {
        return brokers.get(region);
    }

    /** The bootstrap servers of each region's cluster. */
    Map<String, String> clusters() {
        return clusters;
    }
}
