package io.geokv.access.web;

import io.geokv.access.Grant;
import io.geokv.access.Role;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated caller: its {@link Grant} is the principal, its roles the authorities. */
public final class GrantAuthentication extends AbstractAuthenticationToken {

    private final Grant grant;

    public GrantAuthentication(Grant grant) {
        super(authorities(grant));
        this.grant = grant;
        setAuthenticated(true);
    }

    public static List<GrantedAuthority> authorities(Grant grant) {
        return grant.roles().stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority(authority(role)))
                .toList();
    }

    /** The authority of {@code role}, as path rules name it. */
    public static String authority(Role role) {
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
