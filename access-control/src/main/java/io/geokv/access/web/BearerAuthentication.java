package io.geokv.access.web;

import io.geokv.access.ApiKeys;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;

/**
 * A bearer credential, through Spring Security's resource server: API keys by their prefix, anything
 * else as a JWT when a decoder is configured. Either way the result is a {@link GrantAuthentication}.
 */
public final class BearerAuthentication implements ReactiveAuthenticationManager {

    private final ApiKeys apiKeys;
    private final ReactiveAuthenticationManager jwts;

    /** @param jwtDecoder Spring Boot's, when {@code spring.security.oauth2.resourceserver.jwt.*} is set; else null */
    public BearerAuthentication(ApiKeys apiKeys, ReactiveJwtDecoder jwtDecoder, SecurityProperties.Jwt claims) {
        this.apiKeys = apiKeys;
        this.jwts = jwtDecoder == null ? noJwts() : jwts(jwtDecoder, new JwtGrants(claims));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (ApiKeys.isApiKey(token)) {
            return Mono.justOrEmpty(apiKeys.authenticate(token))
                    .<Authentication>map(GrantAuthentication::new)
                    .switchIfEmpty(Mono.error(() -> new BadCredentialsException("invalid API key")));
        }
        return jwts.authenticate(authentication);
    }

    private static ReactiveAuthenticationManager noJwts() {
        return authentication -> Mono.error(new BadCredentialsException("JWTs are not configured"));
    }

    private static ReactiveAuthenticationManager jwts(ReactiveJwtDecoder decoder, JwtGrants grants) {
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(jwt -> Mono.fromCallable(() -> new GrantAuthentication(grants.grant(jwt)))
                .onErrorMap(IllegalArgumentException.class, e -> new BadCredentialsException(e.getMessage())));
        return manager;
    }
}
