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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;

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
    /** Writes for another tenant than acme. */
    private static final String GLOBEX_WRITER = ApiKeys.generate("globex-writer");
    /** The access matrix's administrator, so that its scans do not meet the other tests' scan limit. */
    private static final String MATRIX_ADMIN = ApiKeys.generate("matrix-ops");
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
        key(properties, 5, GLOBEX_WRITER, "writer", "globex", null);
        key(properties, 6, MATRIX_ADMIN, "admin", "*", null);
        properties.put("geokv.security.api-keys[4].rate-limit.requests", 5);
        properties.put("geokv.security.api-keys[4].rate-limit.per", "1m");
        properties.put("geokv.security.rate-limits.tenants.throttled.requests", 5);
        properties.put("geokv.security.rate-limits.tenants.throttled.per", "1m");
        properties.put("geokv.security.rate-limits.tenants.batched.requests", 10);
        properties.put("geokv.security.rate-limits.tenants.batched.per", "1m");
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
    void everyAnswerRefusalsIncludedCarriesTheSecurityHeaders() {
        List<WebTestClient.ResponseSpec> answers = List.of(
                client.get().uri("/kv/k").exchange(),
                as(ACME_READER).get().uri("/admin/digest").exchange(),
                as(ACME_READER).get().uri("/kv/headers-" + UUID.randomUUID()).exchange(),
                as(ADMIN).get().uri("/admin/replication-lag").exchange());
        for (WebTestClient.ResponseSpec answer : answers) {
            answer.expectHeader()
                    .valueEquals("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
                    .expectHeader()
                    .valueEquals("X-Content-Type-Options", "nosniff")
                    .expectHeader()
                    .valueEquals("X-Frame-Options", "DENY")
                    .expectHeader()
                    .valueEquals("Referrer-Policy", "no-referrer")
                    .expectHeader()
                    .doesNotExist("Strict-Transport-Security");
        }
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
        // A strong read merges every serving region's state, but only of the regions it may use.
        as(ACME_EUROPE)
                .get()
                .uri("/kv/" + key)
                .header("X-Consistency", "strong")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Regions-Read", "eu-west");
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
    void eachWriteOfABatchCountsAgainstTheTenantsLimit() {
        List<Map<String, String>> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 11; i++) {
            writes.add(Map.of("key", "batched-" + i, "value", "v"));
        }
        // More than the tenant's whole bucket of 10: no wait would admit it (its request took 1 token).
        as(ADMIN)
                .post()
                .uri("/kv/_batch")
                .header("X-Tenant", "batched")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("writes", writes))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://geokv.io/problems/batch-over-rate-limit");
        as(ADMIN)
                .post()
                .uri("/kv/_batch")
                .header("X-Tenant", "batched")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("writes", writes.subList(0, 7)))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.succeeded")
                .isEqualTo(7);
        // 8 of its 10 a minute are gone: 3 more writes do not fit, and take nothing; 1 does.
        rateLimited(
                as(ADMIN)
                        .post()
                        .uri("/kv/_batch")
                        .header("X-Tenant", "batched")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("writes", writes.subList(0, 3)))
                        .exchange(),
                "tenant");
        as(ADMIN)
                .post()
                .uri("/kv/_batch")
                .header("X-Tenant", "batched")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("writes", writes.subList(0, 1)))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void theAdminScansHaveALowerLimitOfTheirOwn() {
        as(ADMIN).get().uri("/admin/digest").exchange().expectStatus().isOk();
        as(ADMIN).get().uri("/admin/digest/buckets").exchange().expectStatus().isOk();
        rateLimited(
                as(ADMIN).get().uri("/admin/divergence?regions=us-east,eu-west").exchange(), "admin scan");
        as(ADMIN).get().uri("/admin/replication-lag").exchange().expectStatus().isOk();
    }

    // ---------------------------------------------------------------- the access matrix

    /** Who may call an endpoint: nobody needs a credential, or at least this role. */
    private enum Needs {
        NOTHING,
        READER,
        WRITER,
        ADMIN
    }

    /**
     * One endpoint of the gateway, as its handler mapping declares it, with a request to it.
     *
     * @param keys whether it reads or writes a tenant's keys in a region: then a credential of another
     *     tenant, or limited to another region, is refused too
     */
    private record Endpoint(String method, String pattern, String path, Needs needs, boolean keys) {}

    /** Every request acts for tenant acme in us-east (header or path). */
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/kv/{*key}", "/kv/matrix", Needs.READER, true),
            new Endpoint("PUT", "/kv/{*key}", "/kv/matrix", Needs.WRITER, true),
            new Endpoint("DELETE", "/kv/{*key}", "/kv/matrix-gone", Needs.WRITER, true),
            new Endpoint("GET", "/regions/{region}/kv/{*key}", "/regions/us-east/kv/matrix", Needs.READER, true),
            new Endpoint("PUT", "/regions/{region}/kv/{*key}", "/regions/us-east/kv/matrix", Needs.WRITER, true),
            new Endpoint("DELETE", "/regions/{region}/kv/{*key}", "/regions/us-east/kv/gone", Needs.WRITER, true),
            new Endpoint("GET", "/read/{*key}", "/read/matrix", Needs.READER, true),
            new Endpoint("POST", "/write", "/write", Needs.WRITER, true),
            new Endpoint("POST", "/kv/_batch", "/kv/_batch", Needs.WRITER, true),
            // The long poll (JSON), answering at once: the stream would not end.
            new Endpoint("GET", "/changes", "/changes?wait=0", Needs.READER, true),
            new Endpoint("GET", "/history/{*key}", "/history/matrix", Needs.READER, true),
            new Endpoint("GET", "/health", "/health", Needs.READER, false),
            new Endpoint("GET", "/health/regions", "/health/regions", Needs.READER, false),
            new Endpoint("GET", "/stats", "/stats", Needs.ADMIN, false),
            new Endpoint("GET", "/dashboard", "/dashboard", Needs.NOTHING, false),
            new Endpoint("GET", "/dashboard.html", "/dashboard.html", Needs.NOTHING, false),
            new Endpoint("GET", "/admin/digest", "/admin/digest", Needs.ADMIN, false),
            new Endpoint("GET", "/admin/digest/buckets", "/admin/digest/buckets", Needs.ADMIN, false),
            new Endpoint("GET", "/admin/divergence", "/admin/divergence?regions=us-east,eu-west", Needs.ADMIN, false),
            new Endpoint("GET", "/admin/replication-lag", "/admin/replication-lag", Needs.ADMIN, false),
            new Endpoint("GET", "/admin/recovery-points", "/admin/recovery-points", Needs.ADMIN, false),
            new Endpoint("GET", "/admin/regions", "/admin/regions", Needs.ADMIN, false),
            // In the single topology no region is ever lost: the salvage answers 400 once allowed.
            new Endpoint(
                    "POST", "/admin/regions/{region}/salvage", "/admin/regions/eu-west/salvage", Needs.ADMIN, false),
            new Endpoint("GET", "/bench/ping", "/bench/ping", Needs.ADMIN, false),
            new Endpoint("PUT", "/bench/produce/{key}", "/bench/produce/matrix", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator", "/actuator", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator/health", "/actuator/health", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator/health/{*path}", "/actuator/health/liveness", Needs.NOTHING, false),
            new Endpoint("GET", "/actuator/health/{*path}", "/actuator/health/readiness", Needs.NOTHING, false),
            new Endpoint("GET", "/actuator/health/{*path}", "/actuator/health/db", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator/info", "/actuator/info", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator/prometheus", "/actuator/prometheus", Needs.ADMIN, false),
            new Endpoint("GET", "/actuator/metrics", "/actuator/metrics", Needs.ADMIN, false),
            new Endpoint(
                    "GET",
                    "/actuator/metrics/{requiredMetricName}",
                    "/actuator/metrics/jvm.threads.live",
                    Needs.ADMIN,
                    false));

    /** The credentials of the matrix's columns, by name: each acts for tenant acme, in us-east. */
    private static final Map<String, String> CALLERS = new LinkedHashMap<>();

    static {
        CALLERS.put("no credential", null);
        CALLERS.put("reader", ACME_READER);
        CALLERS.put("writer", ACME_WRITER);
        CALLERS.put("admin", MATRIX_ADMIN);
        CALLERS.put("another tenant's writer", GLOBEX_WRITER);
        CALLERS.put("a writer limited to another region", ACME_EUROPE);
    }

    /**
     * Every endpoint the gateway maps (a new one fails this test until it has a row) against every kind
     * of caller: 401 without a credential, except the probes and the dashboard's page; 403 for a role
     * too low, another tenant's credential or one limited to another region; for every other cell,
     * past authorization (neither 401 nor 403, nor a server error: 200 for most, 404 or 400 for a
     * request the endpoint itself refuses).
     */
    @Test
    void theAccessMatrixOfEveryEndpoint() {
        Set<String> mapped = new TreeSet<>();
        gateway.getBeansOfType(RequestMappingInfoHandlerMapping.class)
                .values()
                .forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info -> {
                    Set<HttpMethod> methods =
                            info.getMethodsCondition().getMethods().isEmpty()
                                    ? Set.of(HttpMethod.GET)
                                    : info.getMethodsCondition().getMethods().stream()
                                            .map(method -> HttpMethod.valueOf(method.name()))
                                            .collect(Collectors.toSet());
                    info.getPatternsCondition()
                            .getPatterns()
                            .forEach(pattern -> methods.forEach(method -> mapped.add(method + " " + pattern)));
                }));
        Set<String> covered =
                ENDPOINTS.stream().map(e -> e.method() + " " + e.pattern()).collect(Collectors.toSet());
        assertThat(covered).as("the matrix's rows").containsAll(mapped);
        put(ACME_WRITER, "matrix").expectStatus().isOk();

        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            CALLERS.forEach((caller, credential) -> {
                int status = call(endpoint, credential);
                int expected = expected(endpoint, caller);
                boolean right = expected == 0 ? status != 401 && status != 403 && status < 500 : status == expected;
                if (!right) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller + ": " + status
                            + ", expected " + (expected == 0 ? "past authorization" : expected));
                }
            });
        }
        assertThat(wrong).isEmpty();
    }

    /** The status a caller must get, or 0 for "past authorization". */
    private static int expected(Endpoint endpoint, String caller) {
        if (endpoint.needs() == Needs.NOTHING) {
            return 0;
        }
        return switch (caller) {
            case "no credential" -> 401;
            case "reader" -> endpoint.needs() == Needs.READER ? 0 : 403;
            case "writer" -> endpoint.needs() == Needs.ADMIN ? 403 : 0;
            case "admin" -> 0;
            default -> endpoint.needs() == Needs.ADMIN || endpoint.keys() ? 403 : 0;
        };
    }

    private static int call(Endpoint endpoint, String credential) {
        WebTestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(endpoint.method()))
                .uri(endpoint.path())
                .header("X-Tenant", "acme")
                .header("X-Region", "us-east");
        if (credential != null) {
            request = request.header("Authorization", "Bearer " + credential);
        }
        if (endpoint.pattern().equals("/changes")) {
            request = request.accept(MediaType.APPLICATION_JSON);
        }
        WebTestClient.RequestHeadersSpec<?> sent = switch (endpoint.method()) {
            case "PUT" -> request.bodyValue("v");
            case "POST" ->
                switch (endpoint.path()) {
                    case "/write" ->
                        request.contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of("key", "matrix", "value", "v"));
                    case "/kv/_batch" ->
                        request.contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of("writes", List.of(Map.of("key", "matrix", "value", "v"))));
                    default -> request;
                };
            default -> request;
        };
        return sent.exchange().returnResult(String.class).getStatus().value();
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
