package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A write in one region is readable from every other region, quickly. */
class CrossRegionReadIT {

    private final WebTestClient client = TestCluster.shared().client();

    @Test
    void writeInUsEastIsReadInAsiaPacWithinTwoSeconds() {
        String key = "hello-" + UUID.randomUUID();
        client.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("world")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Region", "us-east")
                .expectBody()
                .jsonPath("$.key")
                .isEqualTo(key)
                .jsonPath("$.region")
                .isEqualTo("us-east")
                .jsonPath("$.replicated_to.length()")
                .isEqualTo(2)
                .jsonPath("$.event_id")
                .isNotEmpty()
                .jsonPath("$.context")
                .exists();

        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    EntityExchangeResult<byte[]> read = client.get()
                            .uri("/kv/" + key)
                            .header("X-Region", "asia-pac")
                            .exchange()
                            .expectBody()
                            .returnResult();
                    assertThat(read.getStatus()).isEqualTo(HttpStatus.OK);
                    assertThat(new String(read.getResponseBody(), StandardCharsets.UTF_8))
                            .isEqualTo("world");
                    assertThat(read.getResponseHeaders().getFirst("X-Region")).isEqualTo("asia-pac");
                    assertThat(read.getResponseHeaders().getFirst("X-Source")).isIn("cache", "db");
                    assertThat(read.getResponseHeaders().getFirst("X-Context")).isNotBlank();
                });
    }
}
