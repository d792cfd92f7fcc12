package io.geokv.access.web;

import io.geokv.access.Grant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.springframework.security.oauth2.jwt.Jwt;

/** A JWT's grant, from the claims {@link SecurityProperties.Jwt} names. */
public final class JwtGrants {

    private final SecurityProperties.Jwt claims;

    public JwtGrants(SecurityProperties.Jwt claims) {
        this.claims = claims;
    }

    /** @throws IllegalArgumentException when the claims grant nothing usable (no tenant, an unknown role) */
    public Grant grant(Jwt jwt) {
        return Grant.of(
                jwt.getSubject() == null ? "jwt" : jwt.getSubject(),
                strings(jwt.getClaim(claims.rolesClaim())),
                strings(jwt.getClaim(claims.tenantsClaim())),
                strings(jwt.getClaim(claims.regionsClaim())));
    }

    private static List<String> strings(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String value) {
            return Arrays.stream(value.trim().split("\\s+"))
                    .filter(s -> !s.isEmpty())
                    .toList();
        }
        return List.of();
    }
}
