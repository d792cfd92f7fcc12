package io.geokv.replication.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.access.ApiKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;

/**
 * replication-streams' management endpoints need an administrator's credential, except liveness and
 * readiness. Only the management security and actuator run here (this package's application), over
 * real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementSecurityTest {

    private static final String ADMIN = ApiKeys.generate("ops");
    private static final String WRITER = ApiKeys.generate("app");
    private static final String READER = ApiKeys.generate("viewer");
    private static final String OTHER_TENANT = ApiKeys.generate("globex");
    private static final String OTHER_REGION = ApiKeys.generate("europe");

    @SpringBootApplication
    static class ManagementOnly {

        @Bean
        ReplayStandIn replay() {
            return new ReplayStandIn();
        }

        @Bean
        ReplicationStandIn replication() {
            return new ReplicationStandIn();
        }
    }

    /** At the path and with the operations of the application's replay endpoint. */
    @Endpoint(id = "replay")
    static class ReplayStandIn {
        @WriteOperation
        public String replay(@Selector String region) {
            return "replayed " + region;
        }
    }

    /** At the path and with the operations of the application's replication endpoint. */
    @Endpoint(id = "replication")
    static class ReplicationStandIn {
        @ReadOperation
        public Map<String, Object> regions() {
            return Map.of();
        }

        @WriteOperation
        public String act(@Selector String region, @Selector String action) {
            return action + " " + region;
        }
    }

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("server.address", () -> "127.0.0.1");
        registry.add(
                "management.endpoints.web.exposure.include", () -> "health,info,prometheus,metrics,replay,replication");
        registry.add("management.endpoint.health.probes.enabled", () -> "true");
        registry.add("geokv.security.api-keys[0].id", () -> "ops");
        registry.add("geokv.security.api-keys[0].sha256", () -> ApiKeys.hash(ADMIN));
        registry.add("geokv.security.api-keys[0].roles[0]", () -> "admin");
        registry.add("geokv.security.api-keys[0].tenants[0]", () -> "*");
        registry.add("geokv.security.api-keys[1].id", () -> "app");
        registry.add("geokv.security.api-keys[1].sha256", () -> ApiKeys.hash(WRITER));
        registry.add("geokv.security.api-keys[1].roles[0]", () -> "writer");
        registry.add("geokv.security.api-keys[1].tenants[0]", () -> "*");
        key(registry, 2, READER, "reader", "*", null);
        key(registry, 3, OTHER_TENANT, "writer", "globex", null);
        key(registry, 4, OTHER_REGION, "writer", "*", "eu-west");
    }

    private static void key(
            DynamicPropertyRegistry registry, int i, String key, String role, String tenant, String region) {
        String prefix = "geokv.security.api-keys[" + i + "].";
        registry.add(prefix + "id", () -> key.split("_")[1]);
        registry.add(prefix + "sha256", () -> ApiKeys.hash(key));
        registry.add(prefix + "roles[0]", () -> role);
        registry.add(prefix + "tenants[0]", () -> tenant);
        if (region != null) {
            registry.add(prefix + "regions[0]", () -> region);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ManagementSecurity security;

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void managementNeedsAnAdministratorsCredential() {
        client().get()
                .uri("/actuator/metrics")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client().post()
                .uri("/actuator/replay/eu-west")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        client().get()
                .uri("/actuator/metrics")
                .header("Authorization", "Bearer " + WRITER)
                .exchange()
                .expectStatus()
                .isForbidden();
        client().get()
                .uri("/actuator/metrics")
                .header("Authorization", "Bearer " + ADMIN)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void theProbesAreOpen() {
        client().get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk();
        client().get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk();
        client().get().uri("/actuator/health").exchange().expectStatus().isUnauthorized();
    }

    /**
     * Every endpoint replication-streams maps (a new one fails this test until it is listed) against
     * every kind of caller: only an administrator gets past authorization, except on the probes. The
     * replay and replication endpoints are stand-ins at the application's paths: the rules are by path.
     */
    @Test
    void theAccessMatrixOfEveryEndpoint(@Autowired ApplicationContext context) {
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("GET /actuator", "/actuator");
        requests.put("GET /actuator/health", "/actuator/health");
        requests.put("GET /actuator/health/{*path}", "/actuator/health/ping");
        requests.put("GET /actuator/info", "/actuator/info");
        requests.put("GET /actuator/prometheus", "/actuator/prometheus");
        requests.put("GET /actuator/metrics", "/actuator/metrics");
        requests.put("GET /actuator/metrics/{requiredMetricName}", "/actuator/metrics/jvm.threads.live");
        requests.put("POST /actuator/replay/{region}", "/actuator/replay/eu-west");
        requests.put("GET /actuator/replication", "/actuator/replication");
        requests.put("POST /actuator/replication/{region}/{action}", "/actuator/replication/eu-west/pause");
        Set<String> mapped = new TreeSet<>();
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class)
                .values()
                .forEach(mapping -> mapping.getHandlerMethods()
                        .keySet()
                        .forEach(info -> info.getPatternsCondition()
                                .getPatterns()
                                .forEach(pattern -> info.getMethodsCondition()
                                        .getMethods()
                                        .forEach(method -> mapped.add(method + " " + pattern)))));
        assertThat(requests.keySet()).as("the matrix's rows").containsAll(mapped);

        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("reader", READER);
        callers.put("writer", WRITER);
        callers.put("another tenant's writer", OTHER_TENANT);
        callers.put("a writer limited to another region", OTHER_REGION);
        List<String> wrong = new ArrayList<>();
        requests.forEach((endpoint, path) -> {
            HttpMethod method = HttpMethod.valueOf(endpoint.substring(0, endpoint.indexOf(' ')));
            check(wrong, endpoint + " without a credential", status(method, path, null), 401);
            callers.forEach((caller, key) -> check(wrong, endpoint + " as " + caller, status(method, path, key), 403));
            int admin = status(method, path, ADMIN);
            if (admin == 401 || admin == 403 || admin >= 500) {
                wrong.add(endpoint + " as admin: " + admin);
            }
        });
        assertThat(wrong).isEmpty();
    }

    private static void check(List<String> wrong, String cell, int status, int expected) {
        if (status != expected) {
            wrong.add(cell + ": " + status + ", expected " + expected);
        }
    }

    private int status(HttpMethod method, String path, String credential) {
        WebTestClient.RequestBodySpec request = client().method(method).uri(path);
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        return request.exchange().returnResult(String.class).getStatus().value();
    }
}
