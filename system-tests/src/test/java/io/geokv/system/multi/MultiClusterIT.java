package io.geokv.system.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.naming.GeokvNames;
import io.geokv.store.RegionStores;
import io.geokv.testing.TestStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The multi topology ({@link MultiClusterDeployment}): each region writes to its own Kafka cluster and
 * replicates from it, MirrorMaker 2 carries every region's events to the others, and every position a
 * client or a wait uses is told in the origin's offsets, which differ from the mirrored copies'.
 */
class MultiClusterIT {

    private static final List<String> REGIONS = MultiClusterDeployment.REGIONS;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);
    private static final Duration MIRRORED = Duration.ofSeconds(60);

    private final MultiClusterDeployment deployment = MultiClusterDeployment.shared();
    private final WebTestClient client = deployment.client();
    private final RegionStores stores = deployment.stores();

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    @Test
    void aWriteInEachRegionIsReadInEveryOtherRegion() {
        String run = UUID.randomUUID().toString();
        for (String origin : REGIONS) {
            put("everywhere/" + run + "/" + origin, origin, "from " + origin, null)
                    .expectStatus()
                    .isOk();
        }
        for (String origin : REGIONS) {
            for (String reader : REGIONS) {
                String key = "everywhere/" + run + "/" + origin;
                await(key + " read in " + reader)
                        .atMost(MIRRORED)
                        .untilAsserted(() -> assertThat(read(key, reader)).isEqualTo("from " + origin));
            }
        }
    }

    @Test
    void withItsSessionTokenAClientReadsItsWriteInAnotherRegion100Of100() throws Exception {
        deployment.awaitMirroring();
        AtomicInteger fresh = new AtomicInteger();
        run(4, clientNo -> {
            String key = "session/" + UUID.randomUUID();
            for (int i = 0; i < 25; i++) {
                String writer = REGIONS.get((clientNo + i) % REGIONS.size());
                String reader = REGIONS.get((clientNo + i + 1) % REGIONS.size());
                String value = "v" + i;
                String session = put(key, writer, value, null)
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult()
                        .getResponseHeaders()
                        .getFirst("X-Session");
                EntityExchangeResult<byte[]> answer = client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", reader)
                        .header("X-Session", session)
                        .exchange()
                        .expectBody()
                        .returnResult();
                assertThat(answer.getStatus())
                        .as("%s written in %s, read in %s: %s", key, writer, reader, body(answer))
                        .isEqualTo(HttpStatus.OK);
                assertThat(body(answer)).as("%s read in %s", key, reader).isEqualTo(value);
                fresh.incrementAndGet();
            }
            return null;
        });
        assertThat(fresh).hasValue(100);
    }

    /**
     * A session read is served by the region it is routed to once that region has applied the
     * session's write, which it can only tell in the origin's offsets: a region that compared its
     * copy's offsets would look behind forever and leave every such read to the writer's region.
     */
    @Test
    void aSessionReadIsServedByItsRegionOnceThatRegionHasAppliedTheWrite() {
        deployment.awaitMirroring();
        for (String writer : REGIONS) {
            for (String reader : REGIONS) {
                if (writer.equals(reader)) {
                    continue;
                }
                String key = "session-served/" + UUID.randomUUID();
                String session = put(key, writer, "from " + writer, null)
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult()
                        .getResponseHeaders()
                        .getFirst("X-Session");
                await(key + " served by " + reader).atMost(MIRRORED).untilAsserted(() -> {
                    EntityExchangeResult<byte[]> answer = client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", reader)
                            .header("X-Session", session)
                            .exchange()
                            .expectBody()
                            .returnResult();
                    assertThat(answer.getStatus()).isEqualTo(HttpStatus.OK);
                    assertThat(body(answer)).isEqualTo("from " + writer);
                    assertThat(answer.getResponseHeaders().getFirst("X-Region")).isEqualTo(reader);
                });
            }
        }
    }

    @Test
    void aStrongWriteIsInEveryRegionsPostgresqlWhenItReturns() throws Exception {
        deployment.awaitMirroring();
        run(3, clientNo -> {
            for (int i = 0; i < 10; i++) {
                String key = "strong/" + UUID.randomUUID();
                String region = REGIONS.get((clientNo + i) % REGIONS.size());
                put(key, region, "strong-" + i, "strong").expectStatus().isOk();
                for (String each : REGIONS) {
                    assertThat(deployment.valueInPostgres(each, key))
                            .as("%s in %s", key, each)
                            .isEqualTo("strong-" + i);
                }
            }
            return null;
        });
    }

    /** Clients in every region add 1 with conditional strong writes; the key's home region arbitrates. */
    @Test
    void conditionalStrongWritesCountExactly() throws Exception {
        deployment.awaitMirroring();
        String key = "counter/" + UUID.randomUUID();
        put(key, REGIONS.get(0), "0", "strong").expectStatus().isOk();
        AtomicInteger succeeded = new AtomicInteger();
        run(6, clientNo -> {
            String region = REGIONS.get(clientNo % REGIONS.size());
            int added = 0;
            while (added < 10) {
                EntityExchangeResult<byte[]> read = client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .header("X-Consistency", "strong")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult();
                int current = Integer.parseInt(body(read));
                EntityExchangeResult<byte[]> write = client.put()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .header("X-Consistency", "strong")
                        .header("If-Match", read.getResponseHeaders().getFirst("X-Context"))
                        .bodyValue(Integer.toString(current + 1))
                        .exchange()
                        .expectBody()
                        .returnResult();
                if (write.getStatus() == HttpStatus.OK) {
                    succeeded.incrementAndGet();
                    added++;
                } else {
                    assertThat(write.getStatus()).as(body(write)).isEqualTo(HttpStatus.PRECONDITION_FAILED);
                }
            }
            return null;
        });
        assertThat(succeeded).hasValue(60);
        for (String region : REGIONS) {
            assertThat(deployment.valueInPostgres(region, key)).as(region).isEqualTo("60");
        }
    }

    @Test
    void onceEverythingIsAppliedEveryRegionPairReportsNoLag() throws IOException {
        deployment.awaitMirroring();
        await("every region has applied every region's events, in the origins' offsets")
                .atMost(MIRRORED)
                .untilAsserted(() -> {
                    JsonNode lag = JSON.readTree(client.get()
                            .uri("/admin/replication-lag")
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody()
                            .returnResult()
                            .getResponseBody());
                    assertThat(lag.toString()).contains("\"lag_records\"");
                    assertThat(lag.findValues("lag_records"))
                            .hasSize(REGIONS.size() * REGIONS.size())
                            .allSatisfy(records -> assertThat(records.asLong()).isZero());
                    assertThat(lag.findValues("mirror_lag_records"))
                            .allSatisfy(records -> assertThat(records.asLong()).isZero());
                    assertThat(lag.findValues("apply_lag_records"))
                            .allSatisfy(records -> assertThat(records.asLong()).isZero());
                    // Heartbeats cross every link every second.
                    assertThat(lag.findValues("mirror_lag_seconds"))
                            .allSatisfy(
                                    seconds -> assertThat(seconds.asDouble()).isLessThan(10));
                });
    }

    /**
     * A region rebuilt from its own cluster alone (its original topic and its copies of the others)
     * ends with the digest of the regions that were never wiped: the replay waited for everything its
     * cluster holds, told in the origins' offsets.
     */
    @Test
    void aRegionReplayedFromItsOwnClusterHasTheOtherRegionsDigest() {
        deployment.awaitMirroring();
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < 60; i++) {
            put("replay/" + run + "/" + (i % 40), REGIONS.get(i % REGIONS.size()), "v" + i, null)
                    .expectStatus()
                    .isOk();
        }
        String before = awaitEqualDigests();

        Map<String, Object> replayed = deployment
                .replicationActuator()
                .post()
                .uri("/replay/eu-west")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();

        assertThat(replayed).containsEntry("region", "eu-west").containsEntry("digest", before);
        assertThat(awaitEqualDigests()).isEqualTo(before);
    }

    /**
     * Data residency in the multi topology: after a load of both resident tenants' writes, a scan of
     * every record of every topic in the cluster of each region they may not be in finds none of
     * their keys or values, only the mirror's placeholders, which that region's replication reads past
     * (no lag is left behind); its PostgreSQL holds nothing of them.
     */
    @Test
    void aResidentTenantsDataNeverReachesTheKafkaClusterOfARegionOutsideItsRegions() throws Exception {
        deployment.awaitMirroring();
        String run = UUID.randomUUID().toString();
        Map<String, String> values = new LinkedHashMap<>();
        for (String tenant : TestStores.RESIDENCY.keySet()) {
            for (int i = 0; i < 20; i++) {
                String key = "resident/" + run + "/" + i;
                String value = "kept in " + TestStores.RESIDENCY.get(tenant) + " " + run + " " + i;
                client.put()
                        .uri("/kv/" + key)
                        .header("X-Tenant", tenant)
                        .header(
                                "X-Region",
                                TestStores.RESIDENCY
                                        .get(tenant)
                                        .get(i
                                                % TestStores.RESIDENCY
                                                        .get(tenant)
                                                        .size()))
                        .bodyValue(value)
                        .exchange()
                        .expectStatus()
                        .isOk();
                values.put(tenant + "/" + key, value);
            }
        }
        await("every region reads past every write")
                .atMost(MIRRORED)
                .untilAsserted(() -> assertThat(deployment.lag().findValues("lag_records"))
                        .allSatisfy(records -> assertThat(records.asLong()).isZero()));

        for (String region : REGIONS) {
            List<String> withheld = TestStores.RESIDENCY.entrySet().stream()
                    .filter(entry -> !entry.getValue().contains(region))
                    .map(Map.Entry::getKey)
                    .toList();
            if (withheld.isEmpty()) {
                continue;
            }
            ClusterScan scan = ClusterScan.of(deployment.clusters().get(region));
            for (String tenant : withheld) {
                assertThat(scan.containing(tenant + "/"))
                        .as(tenant + "'s keys in " + region + "'s cluster")
                        .isEmpty();
                values.forEach((recordKey, value) -> {
                    if (recordKey.startsWith(tenant + "/")) {
                        assertThat(scan.containing(value))
                                .as(region + "'s cluster")
                                .isEmpty();
                    }
                });
                assertThat(stores.get(region)
                                .reader()
                                .find(tenant, "resident/" + run + "/0")
                                .blockOptional())
                        .as(region + "'s PostgreSQL")
                        .isEmpty();
            }
            assertThat(scan.withheld())
                    .as("placeholders in " + region + "'s cluster")
                    .isPositive();
        }
    }

    /** Every record of every topic of one cluster, read once from the beginning to where each ended. */
    private record ClusterScan(List<String> records, long withheld) {

        static ClusterScan of(String bootstrapServers) throws Exception {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (var topic : admin.describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true))
                                .names()
                                .get())
                        .allTopicNames()
                        .get()
                        .values()) {
                    topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                List<String> records = new ArrayList<>();
                long withheld = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                    assertThat(System.nanoTime()).as("the scan's deadline").isLessThan(deadline);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        records.add(text(record.key()) + " " + text(record.value()));
                        if (record.headers().lastHeader(GeokvNames.WITHHELD_HEADER) != null) {
                            withheld++;
                        }
                    }
                }
                return new ClusterScan(records, withheld);
            }
        }

        List<String> containing(String text) {
            return records.stream().filter(record -> record.contains(text)).toList();
        }

        private static String text(byte[] bytes) {
            return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Waits until every region has the same digest; returns it. */
    private String awaitEqualDigests() {
        return await("equal digests")
                .atMost(MIRRORED)
                .until(deployment::digests, digests -> deployment.digestsAreEqual())
                .get(0)
                .get("digest")
                .toString();
    }

    private WebTestClient.ResponseSpec put(String key, String region, String value, String consistency) {
        WebTestClient.RequestBodySpec request = client.put().uri("/kv/" + key).header("X-Region", region);
        if (consistency != null) {
            request = request.header("X-Consistency", consistency);
        }
        return request.bodyValue(value).exchange();
    }

    private String read(String key, String region) {
        EntityExchangeResult<byte[]> answer = client.get()
                .uri("/kv/" + key)
                .header("X-Region", region)
                .exchange()
                .expectBody()
                .returnResult();
        return answer.getStatus() == HttpStatus.OK ? body(answer) : null;
    }

    private static String body(EntityExchangeResult<byte[]> result) {
        byte[] body = result.getResponseBody();
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    private interface ClientRun {
        Void call(int clientNo) throws Exception;
    }

    private static void run(int clients, ClientRun body) throws Exception {
        List<Future<Void>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int clientNo = c;
            Callable<Void> task = () -> body.call(clientNo);
            done.add(CLIENTS.submit(task));
        }
        for (Future<Void> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
    }
}
