package io.geokv.gateway.security;

import io.geokv.gateway.access.Grant;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated caller: its {@link Grant} is the principal, its roles the authorities. */
final class GrantAuthentication extends AbstractAuthenticationToken {

    private final Grant grant;

    GrantAuthentication(Grant grant) {
        super(authorities(grant));
        this.grant = grant;
        setAuthenticated(true);
    }

    static List<GrantedAuthority> authorities(Grant grant) {
        return grant.roles().stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority(authority(role)))
                .toList();
    }

    static String authority(io.geokv.gateway.access.Role role) {
        return "ROLE_" + role.wire();
    }

    @Override
    public Grant getPrincipal() {
        return grant;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return grant.subject();
    }
}
