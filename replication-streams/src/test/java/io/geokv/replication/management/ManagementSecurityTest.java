package io.geokv.replication.management;

import io.geokv.access.ApiKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * replication-streams' management endpoints need an administrator's credential, except liveness and
 * readiness. Only the management security and actuator run here (this package's application), over
 * real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementSecurityTest {

    private static final String ADMIN = ApiKeys.generate("ops");
    private static final String WRITER = ApiKeys.generate("app");

    @SpringBootApplication
    static class ManagementOnly {}

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("server.address", () -> "127.0.0.1");
        registry.add("management.endpoints.web.exposure.include", () -> "health,metrics");
        registry.add("management.endpoint.health.probes.enabled", () -> "true");
        registry.add("geokv.security.api-keys[0].id", () -> "ops");
        registry.add("geokv.security.api-keys[0].sha256", () -> ApiKeys.hash(ADMIN));
        registry.add("geokv.security.api-keys[0].roles[0]", () -> "admin");
        registry.add("geokv.security.api-keys[0].tenants[0]", () -> "*");
        registry.add("geokv.security.api-keys[1].id", () -> "app");
        registry.add("geokv.security.api-keys[1].sha256", () -> ApiKeys.hash(WRITER));
        registry.add("geokv.security.api-keys[1].roles[0]", () -> "writer");
        registry.add("geokv.security.api-keys[1].tenants[0]", () -> "*");
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
}
