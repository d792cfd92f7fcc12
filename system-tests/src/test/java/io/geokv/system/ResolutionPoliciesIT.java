package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.tokens.ClientTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Concurrent writes under the siblings and json-set-union policies, read in every region. */
class ResolutionPoliciesIT {

    static final String SIBLINGS_PREFIX = "siblings-it/";
    static final String SET_UNION_PREFIX = "set-union-it/";

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebTestClient client = TestCluster.shared().client();
    private final ClientTokens tokens = TestCluster.shared().gateway().getBean(ClientTokens.class);

    /** A write based on nothing: concurrent with every other write, whatever has replicated already. */
    private String nothingSeen(String key) {
        return tokens.context(VersionVector.empty(), "default", key);
    }

    @Test
    void concurrentWritesAreSiblingsEverywhereUntilAWriteWithTheirContextResolvesThem() throws Exception {
        String key = SIBLINGS_PREFIX + UUID.randomUUID();
        put(key, "us-east", "from-east", nothingSeen(key));
        put(key, "eu-west", "from-west", nothingSeen(key));

        String[] context = new String[1];
        for (String region : REGIONS) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                EntityExchangeResult<byte[]> read = get(key, region);
                assertThat(read.getStatus()).isEqualTo(HttpStatus.MULTIPLE_CHOICES);
                JsonNode body = JSON.readTree(read.getResponseBody());
                assertThat(body.get("siblings").findValuesAsText("value"))
                        .containsExactlyInAnyOrder("from-east", "from-west");
                assertThat(body.get("siblings").findValuesAsText("origin"))
                        .containsExactlyInAnyOrder("us-east", "eu-west");
                assertThat(body.get("context").asText())
                        .isEqualTo(read.getResponseHeaders().getFirst("X-Context"));
                if (context[0] != null) {
                    assertThat(body.get("context").asText())
                            .as("same context in every region")
                            .isEqualTo(context[0]);
                }
                context[0] = body.get("context").asText();
            });
        }

        put(key, "asia-pac", "resolved", context[0]);
        for (String region : REGIONS) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                EntityExchangeResult<byte[]> read = get(key, region);
                assertThat(read.getStatus()).isEqualTo(HttpStatus.OK);
                assertThat(new String(read.getResponseBody(), StandardCharsets.UTF_8))
                        .isEqualTo("resolved");
            });
        }
    }

    @Test
    void theSetUnionResolverShowsTheUnionOfConcurrentSetsInEveryRegion() {
        String key = SET_UNION_PREFIX + UUID.randomUUID();
        put(key, "us-east", "[\"milk\",\"eggs\"]", nothingSeen(key));
        put(key, "asia-pac", "[\"bread\",\"milk\"]", nothingSeen(key));
        for (String region : REGIONS) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                EntityExchangeResult<byte[]> read = get(key, region);
                assertThat(read.getStatus()).isEqualTo(HttpStatus.OK);
                assertThat(new String(read.getResponseBody(), StandardCharsets.UTF_8))
                        .isEqualTo("[\"bread\",\"eggs\",\"milk\"]");
                assertThat(read.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            });
        }
    }

    private void put(String key, String region, String value, String context) {
        client.put()
                .uri("/kv/" + key)
                .header("X-Region", region)
                .header("X-Context", context)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(value)
                .exchange()
                .expectStatus()
                .isOk();
    }

    private EntityExchangeResult<byte[]> get(String key, String region) {
        return client.get()
                .uri("/kv/" + key)
                .header("X-Region", region)
                .exchange()
                .expectBody()
                .returnResult();
    }
}
