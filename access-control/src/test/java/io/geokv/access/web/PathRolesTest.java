package io.geokv.access.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.access.Role;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

class PathRolesTest {

    private final PathRoles rules = PathRoles.builder()
            .permit("/open/**")
            .permit(HttpMethod.GET, "/page")
            .require(Role.ADMIN, "/admin/**")
            .require(Role.READER, Set.of(HttpMethod.GET, HttpMethod.HEAD), "/kv/**")
            .require(Role.WRITER, Set.of(HttpMethod.PUT), "/kv/**")
            .otherwise(Role.READER);

    @Test
    void theFirstRuleWhoseMethodAndPathMatchDecides() {
        assertThat(role(HttpMethod.GET, "/open/anything")).isEmpty();
        assertThat(role(HttpMethod.DELETE, "/open/anything")).isEmpty();
        assertThat(role(HttpMethod.GET, "/page")).isEmpty();
        assertThat(role(HttpMethod.POST, "/page")).contains(Role.READER);
        assertThat(role(HttpMethod.GET, "/admin/digest")).contains(Role.ADMIN);
        assertThat(role(HttpMethod.HEAD, "/kv/a/b")).contains(Role.READER);
        assertThat(role(HttpMethod.PUT, "/kv/a")).contains(Role.WRITER);
    }

    @Test
    void aRequestNoRuleMatchesNeedsTheOtherwiseRole() {
        assertThat(role(HttpMethod.DELETE, "/kv/a")).contains(Role.READER);
        assertThat(role(HttpMethod.GET, "/nowhere")).contains(Role.READER);
    }

    @Test
    void grantsWhatTheCallersAuthoritiesAllowAndNothingElse() {
        Authentication writer = caller(Role.READER, Role.WRITER);
        assertThat(granted(HttpMethod.PUT, "/kv/a", Mono.just(writer))).isTrue();
        assertThat(granted(HttpMethod.GET, "/admin/digest", Mono.just(writer))).isFalse();
        assertThat(granted(HttpMethod.PUT, "/kv/a", Mono.just(caller(Role.READER))))
                .isFalse();
    }

    @Test
    void withoutACredentialOnlyPermittedPathsAreGranted() {
        assertThat(granted(HttpMethod.GET, "/open/x", Mono.empty())).isTrue();
        assertThat(granted(HttpMethod.GET, "/kv/a", Mono.empty())).isFalse();
        Authentication unauthenticated = caller(Role.ADMIN);
        unauthenticated.setAuthenticated(false);
        assertThat(granted(HttpMethod.GET, "/admin/digest", Mono.just(unauthenticated)))
                .isFalse();
    }

    private Optional<Role> role(HttpMethod method, String path) {
        return rules.roleFor(method, PathContainer.parsePath(path));
    }

    private boolean granted(HttpMethod method, String path, Mono<Authentication> caller) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.method(method, path).build());
        AuthorizationResult result =
                rules.authorize(caller, new AuthorizationContext(exchange)).block();
        return result != null && result.isGranted();
    }

    private static Authentication caller(Role... roles) {
        return new TestingAuthenticationToken(
                "someone",
                null,
                Arrays.stream(roles).map(GrantAuthentication::authority).toArray(String[]::new));
    }
}
