package io.geokv.access.web;

import io.geokv.access.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * The role each path needs: ordered rules, the first whose method and path pattern match a request
 * decides, and a request no rule matches needs {@link Builder#otherwise}'s role. Plugged into Spring
 * Security with {@code authorizeExchange(e -> e.anyExchange().access(rules))}.
 *
 * <p>It decides what Spring Security's {@code pathMatchers(...).hasAuthority(...)} rules would, but in
 * one synchronous pass over the patterns: those rules run a reactive matcher per rule and pattern on
 * every request, and under a cached read they were a large part of the gateway's CPU
 * (docs/performance.md, "What security costs").
 */
public final class PathRoles implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final Mono<AuthorizationResult> GRANTED = Mono.just(new AuthorizationDecision(true));
    private static final AuthorizationResult DENIED = new AuthorizationDecision(false);

    /** Methods the rule is for (all when empty), its paths, and the role it needs (none: anyone). */
    private record Rule(Set<HttpMethod> methods, List<PathPattern> paths, Optional<Role> role) {

        boolean matches(HttpMethod method, PathContainer path) {
            return (methods.isEmpty() || methods.contains(method))
                    && paths.stream().anyMatch(pattern -> pattern.matches(path));
        }
    }

    private final List<Rule> rules;
    private final Role otherwise;

    private PathRoles(List<Rule> rules, Role otherwise) {
        this.rules = List.copyOf(rules);
        this.otherwise = otherwise;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The role a request needs; empty when anyone may send it, credential or not. */
    public Optional<Role> roleFor(HttpMethod method, PathContainer path) {
        for (Rule rule : rules) {
            if (rule.matches(method, path)) {
                return rule.role();
            }
        }
        return Optional.of(otherwise);
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        var request = context.getExchange().getRequest();
        Optional<Role> role = roleFor(request.getMethod(), request.getPath().pathWithinApplication());
        if (role.isEmpty()) {
            return GRANTED;
        }
        String authority = GrantAuthentication.authority(role.get());
        return authentication
                .map(caller -> (AuthorizationResult) new AuthorizationDecision(caller.isAuthenticated()
                        && caller.getAuthorities().stream()
                                .anyMatch(granted -> authority.equals(granted.getAuthority()))))
                .defaultIfEmpty(DENIED);
    }

    /** Rules in the order they are tried. */
    public static final class Builder {

        private final List<Rule> rules = new ArrayList<>();

        private Builder() {}

        /** Anyone may send any request to these paths. */
        public Builder permit(String... paths) {
            return add(Set.of(), paths, Optional.empty());
        }

        /** Anyone may send a {@code method} request to these paths. */
        public Builder permit(HttpMethod method, String... paths) {
            return add(Set.of(method), paths, Optional.empty());
        }

        /** Any request to these paths needs {@code role}. */
        public Builder require(Role role, String... paths) {
            return add(Set.of(), paths, Optional.of(role));
        }

        /** A request with one of {@code methods} to these paths needs {@code role}. */
        public Builder require(Role role, Set<HttpMethod> methods, String... paths) {
            return add(methods, paths, Optional.of(role));
        }

        /** Every request no rule matches needs {@code role}. */
        public PathRoles otherwise(Role role) {
            return new PathRoles(rules, role);
        }

        private Builder add(Set<HttpMethod> methods, String[] paths, Optional<Role> role) {
            rules.add(new Rule(
                    Set.copyOf(methods),
                    Stream.of(paths)
                            .map(PathPatternParser.defaultInstance::parse)
                            .toList(),
                    role));
            return this;
        }
    }
}
