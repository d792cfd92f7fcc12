package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.digest.KeyBuckets;
import io.geokv.store.RegionStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Anti-entropy locates a divergence, not only detects it: a row changed directly in one region's
 * PostgreSQL (behind replication's back) is named, with its bucket, by {@code GET /admin/divergence},
 * while both regions report the same applied positions.
 */
class DivergenceIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient client = cluster.client();

    @Test
    void aRowChangedInOneRegionsPostgresqlIsNamedWithItsBucket() throws Exception {
        String tenant = "divergence-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            client.put()
                    .uri("/kv/k" + i)
                    .header("X-Tenant", tenant)
                    .header("X-Consistency", "strong")
                    .bodyValue("v" + i)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        JsonNode agreed = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> divergence("us-east", "eu-west"),
                        d -> d.get("keys").isEmpty());
        assertThat(agreed.get("buckets")).isEmpty();

        byte[] original = state("eu-west", tenant, "k7");
        try {
            setState("eu-west", tenant, "k7", "tampered".getBytes());

            JsonNode found = divergence("us-east", "eu-west");

            assertThat(found.get("buckets")).hasSize(1);
            assertThat(found.get("buckets").get(0).asInt()).isEqualTo(KeyBuckets.of(tenant, "k7"));
            assertThat(found.get("keys")).hasSize(1);
            JsonNode key = found.get("keys").get(0);
            assertThat(key.get("tenant").asText()).isEqualTo(tenant);
            assertThat(key.get("key").asText()).isEqualTo("k7");
            assertThat(key.get("states").get("us-east").asText())
                    .isNotEqualTo(key.get("states").get("eu-west").asText());
            assertThat(found.get("applied").get("us-east"))
                    .as("both regions had applied the same positions: a divergence, not a region behind")
                    .isEqualTo(found.get("applied").get("eu-west"));
        } finally {
            setState("eu-west", tenant, "k7", original);
        }
        assertThat(divergence("us-east", "eu-west").get("keys")).isEmpty();
        client.get()
                .uri("/admin/divergence?regions=us-east,mars")
                .exchange()
                .expectStatus()
                .isBadRequest();
    }

    private JsonNode divergence(String first, String second) throws Exception {
        return JSON.readTree(client.get()
                .uri("/admin/divergence?regions=" + first + "," + second)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody());
    }

    private byte[] state(String region, String tenant, String key) throws Exception {
        try (Connection c = cluster.replication()
                        .getBean(RegionStores.class)
                        .get(region)
                        .database()
                        .dataSource()
                        .getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT state FROM kv_state WHERE tenant = ? AND key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }

    private void setState(String region, String tenant, String key, byte[] state) throws Exception {
        try (Connection c = cluster.replication()
                        .getBean(RegionStores.class)
                        .get(region)
                        .database()
                        .dataSource()
                        .getConnection();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE kv_state SET state = ? WHERE tenant = ? AND key = ?")) {
            ps.setBytes(1, state);
            ps.setString(2, tenant);
            ps.setString(3, key);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
