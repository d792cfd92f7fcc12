package io.geokv.store.config;

import io.geokv.residency.Residency;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Data residency ({@code geokv.residency.*}): the tenants whose data may be stored only in some
 * regions, e.g. {@code geokv.residency.tenants.bank=eu-west}. Shared by the gateway (which serves,
 * waits for and compares a resident tenant only in its regions) and replication (which folds its
 * events only there); the mirror takes the same list ({@code --resident}). Every process of a
 * deployment must be given the same; see {@link Residency}.
 *
 * @param tenants each resident tenant's allowed regions, in preference order
 */
@Validated
@ConfigurationProperties("geokv.residency")
public record ResidencyProperties(@DefaultValue Map<String, List<String>> tenants) {

    /** The policy for a deployment of {@code regions}; fails on a region that is not one of them. */
    public Residency forRegions(List<String> regions) {
        return Residency.of(regions, tenants);
    }
}
