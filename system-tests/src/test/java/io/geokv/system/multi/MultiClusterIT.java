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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
     * Data residency in the multi topology: the resident tenant's events reach the other regions'
     * clusters only as the mirror's placeholders, without key or value, which their replication
     * reads past (no lag is left behind) and folds into nothing.
     */
    @Test
    void aResidentTenantsEventsReachOtherRegionsClustersOnlyAsPlaceholders() {
        deployment.awaitMirroring();
        String key = "resident/" + UUID.randomUUID();
        String secret = "kept in " + TestStores.RESIDENT_REGION + " " + key;
        client.put()
                .uri("/kv/" + key)
                .header("X-Tenant", TestStores.RESIDENT_TENANT)
                .bodyValue(secret)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Region", TestStores.RESIDENT_REGION);

        String origin = GeokvNames.eventTopic(TestStores.RESIDENT_REGION);
        for (String region : REGIONS) {
            if (region.equals(TestStores.RESIDENT_REGION)) {
                continue;
            }
            try (KafkaConsumer<byte[], byte[]> copies = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            deployment.clusters().get(region)),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = copies.partitionsFor(origin).stream()
                        .map(p -> new TopicPartition(origin, p.partition()))
                        .toList();
                copies.assign(partitions);
                copies.seekToBeginning(partitions);
                AtomicInteger placeholders = new AtomicInteger();
                await("a placeholder of the resident tenant's write in " + region + "'s cluster")
                        .atMost(MIRRORED)
                        .untilAsserted(() -> {
                            for (ConsumerRecord<byte[], byte[]> copy : copies.poll(Duration.ofMillis(200))) {
                                String held = (copy.key() == null ? "" : new String(copy.key(), StandardCharsets.UTF_8))
                                        + (copy.value() == null
                                                ? ""
                                                : new String(copy.value(), StandardCharsets.UTF_8));
                                assertThat(held)
                                        .as("a copy in " + region + "'s cluster")
                                        .doesNotContain(TestStores.RESIDENT_TENANT + "/")
                                        .doesNotContain(secret);
                                if (copy.headers().lastHeader(GeokvNames.WITHHELD_HEADER) != null) {
                                    placeholders.incrementAndGet();
                                }
                            }
                            assertThat(placeholders).hasPositiveValue();
                        });
            }
            await(region + " reads past the placeholder")
                    .atMost(MIRRORED)
                    .until(() -> MultiClusterDeployment.pair(deployment.lag(), region, TestStores.RESIDENT_REGION)
                                    .get("lag_records")
                                    .asLong()
                            == 0);
            assertThat(stores.get(region)
                            .reader()
                            .find(TestStores.RESIDENT_TENANT, key)
                            .blockOptional())
                    .as(region + "'s PostgreSQL")
                    .isEmpty();
        }
        assertThat(stores.get(TestStores.RESIDENT_REGION)
                        .reader()
                        .find(TestStores.RESIDENT_TENANT, key)
                        .blockOptional())
                .isPresent();
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
