package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.GatewayApplication;
import io.geokv.naming.GeokvNames;
import io.geokv.position.LogPositions;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.store.cache.StateCache;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.testing.TcpProxy;
import io.geokv.testing.TestKafka;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import io.geokv.testing.TestStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Data residency is a storage property: the test deployment's resident tenant ({@link
 * TestStores#RESIDENT_TENANT}) keeps its data in eu-west, so no other region's PostgreSQL or Redis
 * ever holds it, although every region reads eu-west's event topic; strong writes wait for its
 * region only, strong reads read only there, digests compare it only where it is; an event of it
 * produced straight to another region's topic is folded nowhere and dead-lettered; and a tenant kept
 * in two regions fails over only between them.
 */
class ResidencyIT {

    private static final TestCluster CLUSTER = TestCluster.shared();
    private static final String TENANT = TestStores.RESIDENT_TENANT;
    private static final String HOME = TestStores.RESIDENT_REGION;
    private static final List<String> ELSEWHERE =
            TestStores.REGIONS.stream().filter(region -> !region.equals(HOME)).toList();

    private final WebTestClient client = CLUSTER.client();

    @Test
    void aResidentTenantsDataIsStoredOnlyInItsRegionThoughEveryRegionReadsItsEvents() {
        String key = "resident-" + UUID.randomUUID();
        client.put()
                .uri("/kv/" + key)
                .header("X-Tenant", TENANT)
                .header("CF-IPCountry", "US")
                .bodyValue("kept in europe")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Region", HOME)
                .expectBody()
                .jsonPath("$.replicated_to")
                .isEmpty();

        // Every region has read past the write in eu-west's log ...
        awaitEveryRegionHasRead(List.of(HOME));

        // ... and only eu-west holds it: in PostgreSQL and in Redis.
        assertThat(CLUSTER.stores().get(HOME).reader().find(TENANT, key).block())
                .isNotNull();
        for (String region : ELSEWHERE) {
            assertThat(CLUSTER.stores().get(region).reader().find(TENANT, key).blockOptional())
                    .as(region + "'s PostgreSQL")
                    .isEmpty();
        }
        String cacheKey = StateCache.cacheKey(TENANT, key);
        await().atMost(Duration.ofSeconds(10)).until(() -> redisHas(HOME, cacheKey));
        for (String region : ELSEWHERE) {
            assertThat(redisHas(region, cacheKey)).as(region + "'s Redis").isFalse();
        }

        // Asked for in another region: refused, never served from there.
        client.get()
                .uri("/kv/" + key)
                .header("X-Tenant", TENANT)
                .header("X-Region", "us-east")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(detail -> assertThat(detail.toString()).contains("data residency"));
    }

    @Test
    void strongWritesAndReadsUseOnlyTheTenantsRegionsAndDigestsCompareItOnlyThere() {
        String key = "resident-strong-" + UUID.randomUUID();
        client.put()
                .uri("/kv/" + key)
                .header("X-Tenant", TENANT)
                .header("X-Consistency", "strong")
                .bodyValue("strong")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.applied_in")
                .isEqualTo(List.of(HOME));
        client.get()
                .uri("/kv/" + key)
                .header("X-Tenant", TENANT)
                .header("X-Consistency", "strong")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Regions-Read", HOME);

        client.get()
                .uri("/admin/digest?tenant=" + TENANT)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$[*].region")
                .isEqualTo(List.of(HOME))
                .jsonPath("$[0].records")
                .value(records -> assertThat(((Number) records).longValue()).isPositive());
    }

    @Test
    void anEventOfAResidentTenantProducedToAnotherRegionsTopicIsFoldedNowhereAndDeadLettered() throws Exception {
        String key = "resident-misplaced-" + UUID.randomUUID();
        String recordKey = EventTopics.recordKey(TENANT, key);
        KvEvent event = KvEvents.newEvent(
                UUID.randomUUID().toString(),
                TENANT,
                key,
                "written in the wrong place".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                "us-east",
                VersionVector.empty(),
                System.currentTimeMillis());
        try (KafkaProducer<String, KvEvent> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                        new StringSerializer(),
                        new KvEventSerializer());
                KafkaConsumer<String, byte[]> deadLetters = new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                TestKafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "residency-it-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(GeokvNames.eventTopic("us-east"), recordKey, event))
                    .get();

            deadLetters.subscribe(List.of(GeokvNames.DEAD_LETTER_TOPIC));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String reason = null;
                for (ConsumerRecord<String, byte[]> record : deadLetters.poll(Duration.ofMillis(200))) {
                    if (recordKey.equals(record.key())) {
                        reason = new String(
                                record.headers()
                                        .lastHeader("geokv.error.reason")
                                        .value(),
                                StandardCharsets.UTF_8);
                    }
                }
                assertThat(reason).contains("data residency");
            });
        }
        awaitEveryRegionHasRead(List.of("us-east"));
        for (String region : TestStores.REGIONS) {
            assertThat(CLUSTER.stores().get(region).reader().find(TENANT, key).blockOptional())
                    .as(region + "'s PostgreSQL")
                    .isEmpty();
        }
    }

    /**
     * Must-show 4 of the security issue: a load of the two-region tenant's writes during which its
     * first region, eu-west, fails (its PostgreSQL cut off from this test's gateway) and the writes
     * fail over to asia-pac, its other region, never to us-east; afterwards us-east's whole
     * PostgreSQL table and Redis database hold nothing of the tenant.
     */
    @Test
    void underALoadThatFailsOverTheTenantsDataNeverReachesARegionOutsideItsRegions() throws Exception {
        String tenant = TestStores.TWO_REGION_TENANT;
        String run = "failover-" + UUID.randomUUID();
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Map<String, Object> properties = TestCluster.extraGatewayProperties();
            properties.put("geokv.gateway.health.interval", "200ms");
            properties.put("geokv.gateway.health.timeout", "500ms");
            properties.put("geokv.regions[1].postgres.port", proxy.port());
            ConfigurableApplicationContext gateway = GatewayApplication.builder()
                    .registerShutdownHook(false)
                    .run(TestReplication.asArguments(properties));
            TestShutdown.register(gateway::close);
            try {
                WebTestClient failing = TestCluster.client(gateway);
                Set<String> servedBy = new TreeSet<>();
                for (int i = 0; i < 40; i++) {
                    if (i == 20) {
                        proxy.cut();
                        await().atMost(Duration.ofSeconds(10))
                                .until(() -> failing.put()
                                                .uri("/kv/" + run + "/probe")
                                                .header("X-Tenant", tenant)
                                                .bodyValue("probe")
                                                .exchange()
                                                .returnResult(String.class)
                                                .getResponseHeaders()
                                                .getFirst("X-Failover")
                                        != null);
                    }
                    servedBy.add(failing.put()
                            .uri("/kv/" + run + "/" + i)
                            .header("X-Tenant", tenant)
                            .bodyValue("value " + i)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .returnResult(String.class)
                            .getResponseHeaders()
                            .getFirst("X-Region"));
                }
                assertThat(servedBy).as("the regions that took the writes").containsExactly("asia-pac", "eu-west");
            } finally {
                TestCluster.retire(gateway);
            }
        }

        awaitEveryRegionHasRead(TestStores.REGIONS);
        assertThat(rowsOf(tenant, "eu-west")).isGreaterThanOrEqualTo(40);
        assertThat(rowsOf(tenant, "asia-pac")).isGreaterThanOrEqualTo(40);
        assertThat(rowsOf(tenant, "us-east"))
                .as("us-east's PostgreSQL, all of it")
                .isZero();
        assertThat(redisKeysOf(tenant, "us-east"))
                .as("us-east's Redis, all of it")
                .isEmpty();
        assertThat(redisKeysOf(tenant, "asia-pac")).isNotEmpty();
    }

    /** Waits until every region has read every event topic up to where it ends now. */
    private static void awaitEveryRegionHasRead(List<String> topicsOf) {
        RegionProgress progress = CLUSTER.gateway().getBean(RegionProgress.class);
        TopicOffsets topics = new TopicOffsets(Admins.of(CLUSTER.gateway()), Duration.ofSeconds(30));
        LogPositions written = topics.ends(topics.eventPartitions(topicsOf));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> TestStores.REGIONS.stream().allMatch(region -> progress.hasApplied(region, written)));
    }

    /** Every row of {@code tenant} in a region's PostgreSQL, counted by a scan of its whole table. */
    private static long rowsOf(String tenant, String region) throws SQLException {
        RegionProperties.Postgres postgres = CLUSTER.gateway()
                .getBean(RegionsProperties.class)
                .region(region)
                .postgres();
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/" + postgres.database(),
                        postgres.username(),
                        postgres.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT tenant FROM kv_state")) {
            long count = 0;
            while (rows.next()) {
                count += rows.getString(1).equals(tenant) ? 1 : 0;
            }
            return count;
        }
    }

    /** Every key of {@code tenant} in a region's Redis database, found by a scan of all of it. */
    private static List<String> redisKeysOf(String tenant, String region) {
        return withRedis(region, redis -> {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(redis).forEachRemaining(key -> {
                if (key.startsWith(StateCache.cacheKey(tenant, ""))) {
                    keys.add(key);
                }
            });
            return keys;
        });
    }

    private static boolean redisHas(String region, String key) {
        return withRedis(region, redis -> redis.exists(key) > 0);
    }

    /** What {@code read} finds in a region's Redis database (the test stores' numbering). */
    private static <T> T withRedis(String region, Function<RedisCommands<String, String>, T> read) {
        int database = TestStores.REDIS_FIRST_DATABASE + TestStores.REGIONS.indexOf(region);
        RedisClient redis = RedisClient.create("redis://127.0.0.1:6379/" + database);
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return read.apply(connection.sync());
        } finally {
            redis.shutdown();
        }
    }
}
