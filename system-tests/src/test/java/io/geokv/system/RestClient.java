package io.geokv.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** A small reactive client for driving load against the gateway from tests. */
final class RestClient {

    private final WebClient web;

    RestClient(int port) {
        this.web = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
    }

    record Answer(int status, String body) {}

    Mono<Answer> put(String region, String key, String value) {
        return answer(web.put()
                .uri("/kv/{key}", key)
                .header("X-Region", region)
                .bodyValue(value.getBytes(StandardCharsets.UTF_8)));
    }

    Mono<Answer> delete(String region, String key) {
        return answer(web.delete().uri("/kv/{key}", key).header("X-Region", region));
    }

    private static Mono<Answer> answer(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(body -> new Answer(response.statusCode().value(), body)))
                .timeout(Duration.ofSeconds(30));
    }

    /** The value a region serves for a key, or empty on 404. */
    Mono<Optional<String>> get(String region, String key) {
        return web.get()
                .uri("/kv/{key}", key)
                .header("X-Region", region)
                .exchangeToMono(response -> {
                    HttpStatusCode status = response.statusCode();
                    if (status.value() == 404) {
                        return response.releaseBody().thenReturn(Optional.<String>empty());
                    }
                    if (!status.is2xxSuccessful()) {
                        return response.bodyToMono(String.class)
                                .defaultIfEmpty("")
                                .flatMap(body -> Mono.error(new AssertionError(
                                        "GET " + key + " in " + region + " answered " + status + ": " + body)));
                    }
                    return response.bodyToMono(String.class).defaultIfEmpty("").map(Optional::of);
                })
                .timeout(Duration.ofSeconds(30));
    }
}
