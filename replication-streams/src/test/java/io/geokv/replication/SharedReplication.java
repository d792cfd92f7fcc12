package io.geokv.replication;

import io.geokv.event.KvEventSerializer;
import io.geokv.event.avro.KvEvent;
import io.geokv.position.LogPositions;
import io.geokv.progress.TopicOffsets;
import io.geokv.store.RegionStores;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestStores;
import io.geokv.topics.RegionClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The replication app of this module's integration tests: started once per test JVM (on the
 * embedded broker, with {@link TestReplication}'s properties) and shared by every test class that
 * registers this extension; closed when the test run ends.
 *
 * <p>Its stores are databases {@value #DATABASE_PREFIX}&lt;region&gt; and Redis databases 7 to 9,
 * emptied once per JVM. They are deliberately not {@link TestStores}' {@code geokv_it_*} and Redis
 * 4 to 6: the system tests drop and fill those, and the two modules' integration tests must be able
 * to run at the same time on one machine without destroying each other's data.
 */
public final class SharedReplication implements BeforeAllCallback {

    public static final List<String> REGIONS = TestStores.REGIONS;
    public static final String DATABASE_PREFIX = "geokv_rsit_";
    public static final int REDIS_FIRST_DATABASE = 7;

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedReplication.class);
    private static volatile ConfigurableApplicationContext context;

    @Override
    public void beforeAll(ExtensionContext extension) {
        extension.getRoot().getStore(NAMESPACE).computeIfAbsent("app", k -> start(), Running.class);
    }

    /** The running app; only valid in test classes extended with this extension. */
    public static ConfigurableApplicationContext context() {
        if (context == null) {
            throw new IllegalStateException("register @ExtendWith(SharedReplication.class) on the test class");
        }
        return context;
    }

    public static RegionStores stores() {
        return context().getBean(RegionStores.class);
    }

    /** A producer as any client of the event log would configure it: acks=all, Avro values, tenant/key keys. */
    public static KafkaProducer<String, KvEvent> eventProducer() {
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), new KvEventSerializer());
    }

    /** A producer of arbitrary bytes, for what a broken or hostile client may write. */
    public static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    /** A tenant no other test uses (the broker and stores are shared within the JVM). */
    public static String uniqueTenant() {
        return "t-" + UUID.randomUUID();
    }

    /** The admin clients of the replication's clusters (one in the single topology the tests use). */
    @SuppressWarnings("unchecked")
    static RegionClusters.PerCluster<Admin> admins() {
        return context().getBean(RegionClusters.PerCluster.class);
    }

    /** The end offset of every partition of every region's event topic. */
    public static LogPositions eventTopicEnds() {
        TopicOffsets offsets = new TopicOffsets(admins().of(REGIONS.get(0)), Duration.ofSeconds(30));
        return offsets.ends(offsets.eventPartitions(REGIONS));
    }

    /** How far a region's PostgreSQL has applied each event topic partition, as its applied-offset table says. */
    public static LogPositions appliedPositions(String region) {
        return stores().get(region).reader().appliedPositions().block(Duration.ofSeconds(10));
    }

    private static Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Running start() {
        // A fresh broker must never meet rows written against an earlier one.
        TestStores.reset(DATABASE_PREFIX, REDIS_FIRST_DATABASE);
        try {
            Path stateDir = Files.createTempDirectory("geokv-streams-it");
            Map<String, Object> properties = TestReplication.properties(stateDir);
            properties.put("geokv.database-prefix", DATABASE_PREFIX);
            properties.put("geokv.redis-first-database", REDIS_FIRST_DATABASE);
            context = ReplicationStreamsApplication.builder().run(TestReplication.asArguments(properties));
            return new Running(context, stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closed by JUnit when the whole run is over, so the app stops before the broker's shutdown hook. */
    private record Running(ConfigurableApplicationContext app, Path stateDir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            app.close();
            context = null;
            FileSystemUtils.deleteRecursively(stateDir);
        }
    }
}
