package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.store.RegionStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** docs/product.md, 'Consistency levels': what the session and strong levels promise, checked against every region. */
class ConsistencyLevelsIT {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final String TENANT = "default";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(20);

    private final WebTestClient client = TestCluster.shared().client();
    private final RegionStores stores = TestCluster.shared().stores();

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    @Test
    void withItsSessionTokenAClientReadsItsOwnWriteInAnotherRegionRightAway() throws Exception {
        assertThat(readsAfterWrites(true))
                .as("stale reads with the session token")
                .isZero();
        int staleWithout = readsAfterWrites(false);
        System.out.printf(
                "session consistency: 200 of 200 reads in asia-pac saw the write just made in us-east with"
                        + " the session token; without it %d of 200 were stale%n",
                staleWithout);
        assertThat(staleWithout)
                .as("without the token, reads right after the write race replication")
                .isPositive();
    }

    /** 8 clients, 25 writes each in us-east, each followed at once by a read in asia-pac; the stale reads. */
    private int readsAfterWrites(boolean withSession) throws Exception {
        AtomicInteger stale = new AtomicInteger();
        run(8, clientNo -> {
            String key = "session-it/" + withSession + "/" + UUID.randomUUID();
            String session = null;
            for (int i = 0; i < 25; i++) {
                String value = "v" + i;
                EntityExchangeResult<byte[]> written = client.put()
                        .uri("/kv/" + key)
                        .header("X-Region", "us-east")
                        .bodyValue(value)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult();
                session = written.getResponseHeaders().getFirst("X-Session");
                WebTestClient.RequestHeadersSpec<?> read =
                        client.get().uri("/kv/" + key).header("X-Region", "asia-pac");
                if (withSession) {
                    read = read.header("X-Session", session);
                }
                EntityExchangeResult<byte[]> answer =
                        read.exchange().expectBody().returnResult();
                boolean fresh = answer.getStatus() == HttpStatus.OK
                        && value.equals(new String(answer.getResponseBody(), StandardCharsets.UTF_8));
                if (!fresh) {
                    stale.incrementAndGet();
                }
                if (withSession) {
                    // The answer's token covers the session's writes and what this read saw (monotonic reads).
                    assertThat(answer.getResponseHeaders().getFirst("X-Session"))
                            .isNotBlank();
                }
            }
            return null;
        });
        return stale.get();
    }

    @Test
    void aStrongWriteIsInEveryRegionsPostgresqlWhenItReturns() throws Exception {
        AtomicInteger checked = new AtomicInteger();
        run(4, clientNo -> {
            for (int i = 0; i < 25; i++) {
                String key = "strong-it/" + UUID.randomUUID();
                String region = REGIONS.get((clientNo + i) % REGIONS.size());
                String value = "strong-" + i;
                JsonNode body = JSON.readTree(client.put()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .header("X-Consistency", "strong")
                        .bodyValue(value)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult()
                        .getResponseBody());
                for (String each : REGIONS) {
                    assertThat(valueInPostgres(each, key))
                            .as("%s in %s's PostgreSQL", key, each)
                            .isEqualTo(value);
                }
                assertThat(body.get("consistency").asText()).isEqualTo("strong");
                List<String> appliedIn = new ArrayList<>();
                body.get("applied_in").forEach(node -> appliedIn.add(node.asText()));
                assertThat(appliedIn).containsExactlyInAnyOrderElementsOf(REGIONS);
                checked.incrementAndGet();
            }
            return null;
        });
        assertThat(checked).hasValue(100);
    }

    @Test
    void aSessionReadOfADeletedKeyAnswers404WithTheContextOfTheDelete() {
        String key = "deleted-it/" + UUID.randomUUID();
        client.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("before")
                .exchange()
                .expectStatus()
                .isOk();
        String session = client.delete()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst("X-Session");

        EntityExchangeResult<byte[]> gone = client.get()
                .uri("/kv/" + key)
                .header("X-Region", "eu-west")
                .header("X-Session", session)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType("application/problem+json")
                .expectBody()
                .returnResult();
        String context = gone.getResponseHeaders().getFirst("X-Context");
        assertThat(context).as("the 404 of a deleted key carries its context").isNotBlank();
        assertThat(gone.getResponseHeaders().getFirst("X-Session")).isNotBlank();

        // Written with that context, the new value supersedes the delete instead of standing beside it.
        client.put()
                .uri("/kv/" + key)
                .header("X-Region", "asia-pac")
                .header("X-Context", context)
                .header("X-Consistency", "strong")
                .bodyValue("after")
                .exchange()
                .expectStatus()
                .isOk();
        for (String region : REGIONS) {
            assertThat(TestCluster.shared()
                            .stores()
                            .get(region)
                            .reader()
                            .find("default", key)
                            .block()
                            .siblings())
                    .as("siblings in %s", region)
                    .singleElement()
                    .satisfies(s -> assertThat(new String(s.value(), StandardCharsets.UTF_8))
                            .isEqualTo("after"));
        }
    }

    @Test
    void aStrongReadMergesEveryRegionFromPostgresql() {
        // Straight after eventual writes elsewhere: the strong read waits until a region has applied
        // the key's log as it stood when the read began, so it never misses an acknowledged write.
        for (int i = 0; i < 20; i++) {
            String key = "strong-read-it/" + UUID.randomUUID();
            client.put()
                    .uri("/kv/" + key)
                    .header("X-Region", REGIONS.get(i % REGIONS.size()))
                    .bodyValue("fresh-" + i)
                    .exchange()
                    .expectStatus()
                    .isOk();
            client.get()
                    .uri("/kv/" + key)
                    .header("X-Region", "asia-pac")
                    .header("X-Consistency", "strong")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .valueEquals("X-Source", "db")
                    .expectHeader()
                    .valueEquals("X-Regions-Read", "us-east,eu-west,asia-pac")
                    .expectBody(String.class)
                    .isEqualTo("fresh-" + i);
        }
    }

    /**
     * 20 clients spread over the regions each add 1 fifty times: read, strong write with If-Match,
     * retry on 412. The key's home region arbitrates, so no increment is lost or counted twice.
     */
    @Test
    void conditionalStrongWritesCountExactly() throws Exception {
        String key = "counter-it/" + UUID.randomUUID();
        client.put()
                .uri("/kv/" + key)
                .header("X-Consistency", "strong")
                .bodyValue("0")
                .exchange()
                .expectStatus()
                .isOk();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger preconditionFailed = new AtomicInteger();
        run(20, clientNo -> {
            String region = REGIONS.get(clientNo % REGIONS.size());
            int added = 0;
            while (added < 50) {
                EntityExchangeResult<byte[]> read = client.get()
                        .uri("/kv/" + key)
                        .header("X-Region", region)
                        .header("X-Consistency", "strong")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .returnResult();
                int current = Integer.parseInt(new String(read.getResponseBody(), StandardCharsets.UTF_8));
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
                    assertThat(write.getStatus())
                            .as(new String(write.getResponseBody(), StandardCharsets.UTF_8))
                            .isEqualTo(HttpStatus.PRECONDITION_FAILED);
                    preconditionFailed.incrementAndGet();
                }
            }
            return null;
        });
        System.out.printf(
                "counter: %d successful increments, %d answered 412 and were retried%n",
                succeeded.get(), preconditionFailed.get());
        assertThat(succeeded).hasValue(1000);
        for (String region : REGIONS) {
            assertThat(valueInPostgres(region, key)).as(region).isEqualTo(Integer.toString(succeeded.get()));
        }
    }

    private String valueInPostgres(String region, String key) {
        return stores.get(region)
                .reader()
                .find(TENANT, key)
                .blockOptional()
                .flatMap(state -> LastWriterWins.winner(state.siblings()))
                .map(Sibling::value)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .orElse(null);
    }

    @FunctionalInterface
    private interface ClientLoop {
        Void run(int clientNo) throws IOException;
    }

    private static void run(int clients, ClientLoop loop) throws Exception {
        List<Future<Void>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int clientNo = c;
            running.add(CLIENTS.submit((Callable<Void>) () -> loop.run(clientNo)));
        }
        for (Future<Void> each : running) {
            each.get(5, TimeUnit.MINUTES);
        }
    }
}
