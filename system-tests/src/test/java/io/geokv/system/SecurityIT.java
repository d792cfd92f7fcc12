package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.geokv.access.ApiKeys;
import io.geokv.gateway.GatewayApplication;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Nobody gets in where they don't belong: a gateway without anonymous access, with API keys of each
 * role and JWTs signed by a key the gateway trusts. Without a valid credential every endpoint but
 * liveness and readiness answers 401; a credential's roles, tenants and regions bound what it may do
 * (403); tokens of one tenant do not open for another.
 */
class SecurityIT {

    private static final TestCluster CLUSTER = TestCluster.shared();

    private static final String ADMIN = ApiKeys.generate("ops");
    private static final String ACME_READER = ApiKeys.generate("acme-reader");
    private static final String ACME_WRITER = ApiKeys.generate("acme-writer");
    /** Writes for acme, served from eu-west only. */
    private static final String ACME_EUROPE = ApiKeys.generate("acme-europe");
    /** Reads for every tenant, 5 requests a minute. */
    private static final String LIMITED = ApiKeys.generate("limited");
    /** A well-formed key the gateway does not know. */
    private static final String UNKNOWN = ApiKeys.generate("ops");

    @TempDir
    static Path folder;

    private static RSAKey signingKey;
    private static ConfigurableApplicationContext gateway;
    private static WebTestClient client;

    @BeforeAll
    static void startAGatewayThatNeedsCredentials() throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("test").generate();
        Path publicKey = folder.resolve("jwt-public.pem");
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(signingKey.toPublicKey().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");

        Map<String, Object> properties = TestCluster.extraGatewayProperties();
        properties.keySet().removeIf(name -> name.startsWith("geokv.security.anonymous"));
        properties.put("spring.security.oauth2.resourceserver.jwt.public-key-location", "file:" + publicKey);
        key(properties, 0, ADMIN, "admin", "*", null);
        key(properties, 1, ACME_READER, "reader", "acme", null);
        key(properties, 2, ACME_WRITER, "writer", "acme", null);
        key(properties, 3, ACME_EUROPE, "writer", "acme", "eu-west");
        key(properties, 4, LIMITED, "reader", "*", null);
        properties.put("geokv.security.api-keys[4].rate-limit.requests", 5);
        properties.put("geokv.security.api-keys[4].rate-limit.per", "1m");
        properties.put("geokv.security.rate-limits.tenants.throttled.requests", 5);
        properties.put("geokv.security.rate-limits.tenants.throttled.per", "1m");
        properties.put("geokv.security.rate-limits.admin-scan.requests", 2);
        properties.put("geokv.security.rate-limits.admin-scan.per", "1m");
        gateway = GatewayApplication.builder().registerShutdownHook(false).run(TestReplication.asArguments(properties));
        // Left to the JVM's end: closing a second WebFlux context would stop the shared gateway's loops.
        TestShutdown.register(gateway::close);
        client = TestCluster.client(gateway);
    }

    @AfterAll
    static void retireIt() {
        TestCluster.retire(gateway);
    }

    private static void key(
            Map<String, Object> properties, int i, String key, String role, String tenant, String region) {
        String prefix = "geokv.security.api-keys[" + i + "].";
        properties.put(prefix + "id", key.split("_")[1]);
        properties.put(prefix + "sha256", ApiKeys.hash(key));
        properties.put(prefix + "roles[0]", role);
        properties.put(prefix + "tenants[0]", tenant);
        if (region != null) {
            properties.put(prefix + "regions[0]", region);
        }
    }

    @Test
    void withoutAValidCredentialEveryEndpointButTheProbesIs401AndSaysNothingMore() throws Exception {
        String expired = jwt(List.of("admin"), List.of("*"), Instant.now().minusSeconds(600));
        // Signed by a key the gateway does not trust.
        String foreign = jwt(
                new RSAKeyGenerator(2048).keyID("test").generate(),
                List.of("admin"),
                List.of("*"),
                Instant.now().plusSeconds(300));
        List<String> credentials = List.of("", UNKNOWN, ADMIN + "x", "geokv_ops", expired, foreign, "not-a-token");
        List<String> bodies = new java.util.ArrayList<>();
        for (String path : List.of("/kv/k", "/admin/digest", "/actuator/prometheus", "/health/regions", "/stats")) {
            for (String credential : credentials) {
                WebTestClient.RequestHeadersSpec<?> request = client.get().uri(path);
                if (!credential.isEmpty()) {
                    request = request.header("Authorization", "Bearer " + credential);
                }
                bodies.add(request.exchange()
                        .expectStatus()
                        .isUnauthorized()
                        .expectHeader()
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectHeader()
                        .valueEquals("WWW-Authenticate", "Bearer")
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("detail")
                        .toString());
            }
        }
        assertThat(bodies).as("one answer, whatever was wrong").containsOnly(bodies.get(0));

        // The dashboard's page is open; what it shows comes from the endpoints above.
        client.get().uri("/dashboard.html").exchange().expectStatus().isOk();
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        client.put().uri("/kv/k").bodyValue("v").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void rolesBoundWhatACredentialMayDo() {
        String key = "roles-" + UUID.randomUUID();
        as(ACME_READER).get().uri("/kv/" + key).exchange().expectStatus().isNotFound();
        forbidden(put(ACME_READER, key));
        forbidden(as(ACME_READER).delete().uri("/kv/" + key).exchange());
        forbidden(as(ACME_READER)
                .post()
                .uri("/write")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("key", key, "value", "v"))
                .exchange());

        String session = put(ACME_WRITER, key)
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Session");
        // The tenant's session token opens for its reader too: read-your-writes, not a race with replication.
        as(ACME_READER)
                .get()
                .uri("/kv/" + key)
                .header("X-Session", session)
                .exchange()
                .expectStatus()
                .isOk();
        for (String admin : List.of("/admin/digest", "/admin/replication-lag", "/stats", "/actuator/prometheus")) {
            forbidden(as(ACME_WRITER).get().uri(admin).exchange());
        }

        as(ADMIN).get().uri("/admin/replication-lag").exchange().expectStatus().isOk();
        as(ADMIN).get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        as(ADMIN)
                .get()
                .uri("/kv/" + key)
                .header("X-Tenant", "acme")
                .header("X-Session", session)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aCredentialActsForItsTenantsOnly() {
        String key = "tenant-" + UUID.randomUUID();
        as(ACME_WRITER)
                .put()
                .uri("/kv/" + key)
                .bodyValue("acme's")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(CLUSTER.stores()
                                .get("us-east")
                                .reader()
                                .find("acme", key)
                                .block())
                        .as("the write went to the credential's tenant")
                        .isNotNull());

        forbidden(as(ACME_WRITER)
                .put()
                .uri("/kv/" + key)
                .header("X-Tenant", "globex")
                .bodyValue("v")
                .exchange());
        forbidden(as(ACME_READER)
                .get()
                .uri("/kv/" + key)
                .header("X-Tenant", "default")
                .exchange());
        as(ACME_READER)
                .get()
                .uri("/kv/" + key)
                .header("X-Tenant", "acme")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .isEqualTo("acme's");
    }

    @Test
    void tokensOfOneTenantDoNotOpenForAnother() {
        String key = "tokens-" + UUID.randomUUID();
        var written = put(ACME_WRITER, key).expectStatus().isOk().returnResult(String.class);
        String context = written.getResponseHeaders().getFirst("X-Context");
        String session = written.getResponseHeaders().getFirst("X-Session");

        invalid(as(ADMIN)
                        .put()
                        .uri("/kv/" + key)
                        .header("X-Tenant", "globex")
                        .header("X-Context", context)
                        .bodyValue("v")
                        .exchange())
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/invalid-context");
        invalid(as(ADMIN)
                        .get()
                        .uri("/kv/" + key)
                        .header("X-Tenant", "globex")
                        .header("X-Session", session)
                        .exchange())
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/invalid-session");
        as(ACME_WRITER)
                .get()
                .uri("/kv/" + key)
                .header("X-Session", session)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aCredentialLimitedToRegionsIsServedOnlyThere() {
        String key = "regions-" + UUID.randomUUID();
        // Geo-routed to the default region, us-east: served by the nearest region it may use.
        put(ACME_EUROPE, key)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Region", "eu-west")
                .expectHeader()
                .valueEquals("X-Failover", "us-east->eu-west");
        forbidden(as(ACME_EUROPE)
                .put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("v")
                .exchange());
        forbidden(as(ACME_EUROPE)
                .put()
                .uri("/regions/asia-pac/kv/" + key)
                .bodyValue("v")
                .exchange());
        as(ACME_EUROPE)
                .put()
                .uri("/regions/eu-west/kv/" + key)
                .bodyValue("v")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aJwtsClaimsGrantItsRolesTenantsAndRegions() throws Exception {
        String key = "jwt-" + UUID.randomUUID();
        String writer = jwt(List.of("writer"), List.of("acme"), Instant.now().plusSeconds(300));
        String noTenant = jwt(List.of("writer"), List.of(), Instant.now().plusSeconds(300));

        put(writer, key).expectStatus().isOk();
        forbidden(as(writer)
                .put()
                .uri("/kv/" + key)
                .header("X-Tenant", "globex")
                .bodyValue("v")
                .exchange());
        forbidden(as(writer).get().uri("/admin/digest").exchange());
        as(noTenant).get().uri("/kv/" + key).exchange().expectStatus().isUnauthorized();
        as(ACME_READER).get().uri("/kv/" + key).exchange().expectStatus().isOk();
    }

    @Test
    void aCredentialOverItsRateLimitGets429AndSlowsNobodyElse() {
        for (int i = 0; i < 5; i++) {
            as(LIMITED).get().uri("/kv/rate-" + i).exchange().expectStatus().isNotFound();
        }
        rateLimited(as(LIMITED).get().uri("/kv/rate-5").exchange(), "credential");
        as(ACME_READER).get().uri("/kv/rate-5").exchange().expectStatus().isNotFound();
    }

    @Test
    void aTenantOverItsRateLimitGets429AndSlowsNoOtherTenant() {
        for (int i = 0; i < 5; i++) {
            as(ADMIN)
                    .get()
                    .uri("/kv/rate-" + i)
                    .header("X-Tenant", "throttled")
                    .exchange()
                    .expectStatus()
                    .isNotFound();
        }
        rateLimited(
                as(ADMIN)
                        .get()
                        .uri("/kv/rate-5")
                        .header("X-Tenant", "throttled")
                        .exchange(),
                "tenant");
        as(ADMIN)
                .get()
                .uri("/kv/rate-5")
                .header("X-Tenant", "unthrottled")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void theAdminScansHaveALowerLimitOfTheirOwn() {
        as(ADMIN).get().uri("/admin/digest").exchange().expectStatus().isOk();
        as(ADMIN).get().uri("/admin/digest/buckets").exchange().expectStatus().isOk();
        rateLimited(
                as(ADMIN).get().uri("/admin/divergence?regions=us-east,eu-west").exchange(), "admin scan");
        as(ADMIN).get().uri("/admin/replication-lag").exchange().expectStatus().isOk();
    }

    private static void rateLimited(WebTestClient.ResponseSpec response, String limit) {
        String retryAfter = response.expectStatus()
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/rate-limited")
                .jsonPath("$.detail")
                .value(detail -> assertThat(detail.toString()).startsWith("this " + limit + " rate limit"))
                .returnResult()
                .getResponseHeaders()
                .getFirst("Retry-After");
        // 5 a minute: the next request is 12 s away.
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
    }

    private static WebTestClient.ResponseSpec put(String credential, String key) {
        return as(credential).put().uri("/kv/" + key).bodyValue("v").exchange();
    }

    private static WebTestClient as(String credential) {
        return client.mutate()
                .defaultHeader("Authorization", "Bearer " + credential)
                .build();
    }

    private static void forbidden(WebTestClient.ResponseSpec response) {
        response.expectStatus()
                .isEqualTo(HttpStatus.FORBIDDEN)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/forbidden");
    }

    private static WebTestClient.BodyContentSpec invalid(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isBadRequest().expectBody();
    }

    private static String jwt(List<String> roles, List<String> tenants, Instant expires) throws Exception {
        return jwt(signingKey, roles, tenants, expires);
    }

    private static String jwt(RSAKey key, List<String> roles, List<String> tenants, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test").build(),
                new JWTClaimsSet.Builder()
                        .subject("ci")
                        .claim("roles", roles)
                        .claim("tenants", tenants)
                        .issueTime(Date.from(Instant.now().minusSeconds(120)))
                        .expirationTime(Date.from(expires))
                        .build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
