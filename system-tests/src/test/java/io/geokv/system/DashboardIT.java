package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The dashboard page is served, and every endpoint it polls answers JSON. */
class DashboardIT {

    private final WebTestClient client = TestCluster.shared().client();

    @Test
    void theDashboardLoadsAndEveryEndpointItPollsAnswers() {
        client.get()
                .uri("/dashboard")
                .exchange()
                .expectStatus()
                .isFound()
                .expectHeader()
                .location("/dashboard.html");
        String page = client.get()
                .uri("/dashboard.html")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        List<String> endpoints = new ArrayList<>();
        Matcher paths = Pattern.compile("\"(/(?:health|admin|stats)[a-z/-]*)\"").matcher(page);
        while (paths.find()) {
            endpoints.add(paths.group(1));
        }
        assertThat(endpoints).contains("/health/regions", "/admin/replication-lag", "/stats", "/admin/digest");
        for (String endpoint : endpoints) {
            client.get()
                    .uri(endpoint)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        }
    }
}
