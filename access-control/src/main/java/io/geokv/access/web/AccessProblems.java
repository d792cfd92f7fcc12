package io.geokv.access.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The 401, 403 and 429 answers of the security filters, as problem+json like every other error. A 401
 * says only that a valid credential is needed: not whether a key exists, is revoked, or which check
 * failed.
 */
public final class AccessProblems {

    private static final String TYPE_BASE = "https://geokv.io/problems/";

    private final ServerResponse.Context context;

    public AccessProblems(ServerCodecConfigurer codecs) {
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    /**
     * The type URI of the problem named {@code name}: the one base of every problem type geokv
     * answers with, both applications' and their security filters'.
     */
    public static URI type(String name) {
        return URI.create(TYPE_BASE + name);
    }

    public ServerAuthenticationEntryPoint unauthorized() {
        return (exchange, e) -> write(
                exchange,
                HttpStatus.UNAUTHORIZED,
                "unauthorized",
                "a valid credential is required: an API key or a JWT, as 'Authorization: Bearer <credential>'");
    }

    public ServerAccessDeniedHandler forbidden() {
        return (exchange, e) -> write(
                exchange,
                HttpStatus.FORBIDDEN,
                "forbidden",
                "this credential's roles do not allow " + exchange.getRequest().getMethod() + " "
                        + exchange.getRequest().getPath().value());
    }

    /** 429 with {@code Retry-After} in whole seconds, at least 1. */
    public Mono<Void> tooManyRequests(ServerWebExchange exchange, String limit, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return write(
                exchange,
                HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited",
                "this " + limit.replace('-', ' ') + " rate limit is reached; retry after " + seconds + " s");
    }

    private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(type));
        try {
            problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        } catch (IllegalArgumentException e) {
            // A path no URI can hold (the firewall lets some through to be refused here): no instance.
        }
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> {
                    if (status == HttpStatus.UNAUTHORIZED) {
                        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                    }
                })
                .bodyValue(problem)
                .flatMap(response -> response.writeTo(exchange, context));
    }
}
