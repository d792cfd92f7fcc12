package io.geokv.gateway.problem;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.accept.HeaderContentTypeResolver;
import org.springframework.web.reactive.accept.RequestedContentTypeResolver;
import org.springframework.web.reactive.accept.RequestedContentTypeResolverBuilder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.server.NotAcceptableStatusException;

/**
 * Content negotiation that takes an {@code Accept} header it cannot parse as accepting anything
 * (RFC 9110 lets a server disregard it). Spring's own negotiation throws instead, and where it does
 * nothing good follows: an error is answered with no body, and a success escapes the exception
 * handlers and gets Spring Boot's plain JSON error. The key-value API refuses such a header itself,
 * before acting on the request ({@link io.geokv.gateway.web.MediaHeaders}); this only decides how
 * answers are written.
 */
@Configuration(proxyBeanMethods = false)
class LenientAcceptNegotiation implements WebFluxConfigurer {

    private final HeaderContentTypeResolver header = new HeaderContentTypeResolver();

    @Override
    public void configureContentTypeResolver(RequestedContentTypeResolverBuilder builder) {
        builder.resolver(exchange -> {
            try {
                return header.resolveMediaTypes(exchange);
            } catch (NotAcceptableStatusException e) {
                return RequestedContentTypeResolver.MEDIA_TYPE_ALL_LIST;
            }
        });
    }
}
