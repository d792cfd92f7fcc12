package io.geokv.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential may do. Each role includes the ones below it: an {@code admin} may also write
 * and read, a {@code writer} may also read.
 */
public enum Role {
    /** Reads keys and the regions' health. */
    READER,
    /** Writes and deletes keys. */
    WRITER,
    /** Administration: digests, lag, salvage, replay, the dashboard, actuator endpoints, bench endpoints. */
    ADMIN;

    /** The role's name in configuration and in JWT claims: {@code reader}, {@code writer}, {@code admin}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This role and every role it includes. */
    public Set<Role> withIncluded() {
        return EnumSet.range(READER, this);
    }

    /** @throws IllegalArgumentException for a name that is not a role */
    public static Role of(String name) {
        for (Role role : values()) {
            if (role.wire().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "' (reader, writer or admin)");
    }
}
