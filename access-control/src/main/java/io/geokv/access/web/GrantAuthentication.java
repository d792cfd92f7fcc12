package io.geokv.access.web;

import io.geokv.access.Grant;
import io.geokv.access.Role;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
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

    /**
     * The grant behind an authenticated principal: an API key's or a JWT's ({@code
     * GrantAuthentication}) or anonymous access's (an anonymous token whose principal is the grant).
     * Empty for any other principal.
     */
    public static Optional<Grant> grantOf(Principal principal) {
        return principal instanceof Authentication authentication
                        && authentication.getPrincipal() instanceof Grant grant
                ? Optional.of(grant)
                : Optional.empty();
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
