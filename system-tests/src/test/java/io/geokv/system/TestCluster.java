package io.geokv.system;

import io.geokv.gateway.GatewayApplication;
import io.geokv.gateway.health.checks.RegionHealthMonitor;
import io.geokv.progress.RegionProgress;
import io.geokv.replication.ReplicationStreamsApplication;
import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import io.geokv.testing.TestStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/**
 * The whole system in this JVM, once: a real KRaft broker, replication-streams for every region and
 * the gateway, over the machine's real PostgreSQL and Redis. Test classes share it; each uses keys
 * of its own.
 */
public final class TestCluster {

    private static TestCluster shared;
    private static boolean storesReset;

    private final ConfigurableApplicationContext replication;
    private final ConfigurableApplicationContext gateway;

    private TestCluster(ConfigurableApplicationContext replication, ConfigurableApplicationContext gateway) {
        this.replication = replication;
        this.gateway = gateway;
    }

    /** Broker, replication and gateway, all in this JVM. */
    public static synchronized TestCluster shared() {
        if (shared == null) {
            ConfigurableApplicationContext replication = startReplication();
            shared = new TestCluster(replication, startGateway());
        }
        return shared;
    }

    /** replication-streams for every region, in this JVM, against the test broker and stores. */
    private static ConfigurableApplicationContext startReplication() {
        resetStoresOncePerJvm();
        try {
            Path stateDir = Files.createTempDirectory("geokv-streams-test");
            // Registered first, so it runs after the application is closed.
            TestShutdown.register(() -> FileSystemUtils.deleteRecursively(stateDir));
            ConfigurableApplicationContext context = ReplicationStreamsApplication.builder()
                    .registerShutdownHook(false)
                    .run(TestReplication.asArguments(TestReplication.properties(stateDir)));
            TestShutdown.register(context::close);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only the gateway in this JVM (replication runs elsewhere, e.g. in a child process). */
    public static ConfigurableApplicationContext startGateway() {
        resetStoresOncePerJvm();
        ConfigurableApplicationContext gateway = GatewayApplication.builder()
                .registerShutdownHook(false)
                .run(TestReplication.asArguments(gatewayProperties()));
        TestShutdown.register(gateway::close);
        return gateway;
    }

    /** The test stores ({@link TestStores}) emptied once per JVM, their databases created again. */
    private static synchronized void resetStoresOncePerJvm() {
        if (!storesReset) {
            TestStores.reset(TestStores.DATABASE_PREFIX, TestStores.REDIS_FIRST_DATABASE);
            createDatabases(TestStores.DATABASE_PREFIX);
            storesReset = true;
        }
    }

    /** Drops every region's database named {@code databasePrefix<region>} and creates it again. */
    public static void recreateDatabases(String databasePrefix) {
        TestStores.dropDatabases(databasePrefix);
        createDatabases(databasePrefix);
    }

    /**
     * Creates every region's database named {@code databasePrefix<region>} with its schema, as
     * replication-streams does at its start: a gateway opens only the read side of a region, so a
     * test that starts one first still finds the tables.
     */
    private static void createDatabases(String databasePrefix) {
        RegionStores.open(new RegionsProperties(
                        TestStores.REGIONS.stream().map(RegionProperties::named).toList(), databasePrefix, 0))
                .close();
    }

    public static Map<String, Object> gatewayProperties() {
        Map<String, Object> properties = new LinkedHashMap<>(TestStores.properties());
        properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        properties.put("server.port", 0);
        properties.put("geokv.progress.lag-interval", "200ms");
        properties.put("geokv.gateway.token-secret", "integration-tests-only-secret");
        // The tests of everything but security act as an administrator of every tenant; SecurityIT
        // starts a gateway of its own without anonymous access.
        properties.put("geokv.security.anonymous.roles[0]", "admin");
        // Nor are they rate limited: the tests poll digests and lag far more often than a user would.
        properties.put("geokv.security.rate-limits.credential.requests", 0);
        properties.put("geokv.security.rate-limits.tenant.requests", 0);
        properties.put("geokv.security.rate-limits.admin-scan.requests", 0);
        properties.put("geokv.gateway.resolution.rules[0].key-prefix", ResolutionPoliciesIT.SIBLINGS_PREFIX);
        properties.put("geokv.gateway.resolution.rules[0].policy", "siblings");
        properties.put("geokv.gateway.resolution.rules[1].key-prefix", ResolutionPoliciesIT.SET_UNION_PREFIX);
        properties.put("geokv.gateway.resolution.rules[1].policy", "json-set-union");
        return properties;
    }

    /**
     * {@link #gatewayProperties()} for a further gateway in this JVM: with small connection pools, so
     * that the tests' gateways together stay within PostgreSQL's connection limit.
     */
    public static Map<String, Object> extraGatewayProperties() {
        Map<String, Object> properties = gatewayProperties();
        for (int i = 0; i < TestStores.REGIONS.size(); i++) {
            properties.put("geokv.regions[" + i + "].postgres.max-pool-size", 2);
        }
        return properties;
    }

    /**
     * Stops a further gateway's background checks and closes its stores, so that its PostgreSQL
     * connections go back before the next test starts another gateway. The context itself is closed
     * when the JVM ends: closing a WebFlux application disposes Reactor Netty's global event loops,
     * which the shared gateway uses too.
     */
    public static void retire(ConfigurableApplicationContext gateway) {
        gateway.getBean(RegionHealthMonitor.class).close();
        gateway.getBean(RegionProgress.class).close();
        gateway.getBean(RegionStores.class).close();
    }

    public static WebTestClient client(ConfigurableApplicationContext gateway) {
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
                .build();
    }

    public WebTestClient client() {
        return client(gateway);
    }

    public int port() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    public RegionStores stores() {
        return gateway.getBean(RegionStores.class);
    }

    public ConfigurableApplicationContext replication() {
        return replication;
    }

    public ConfigurableApplicationContext gateway() {
        return gateway;
    }
}
