package io.geokv.access.web;

import io.geokv.access.ApiKeys;
import io.geokv.access.Grant;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call geokv (docs/security.md), the same for both applications, so that one configuration
 * serves both. Every request needs a credential, presented as {@code Authorization: Bearer
 * <credential>}: an API key from {@code apiKeys}, or a JWT checked against Spring Boot's {@code
 * spring.security.oauth2.resourceserver.jwt.*} (a JWKS URI or a public key). With neither configured
 * and no anonymous access, every request but liveness and readiness is refused. The gateway honours
 * every role; replication-streams' management endpoints need {@code admin}.
 *
 * @param apiKeys the valid API keys, by the hash of each
 * @param jwt how a JWT's claims map to roles, tenants and regions
 * @param anonymous what a request without credentials may do; no roles (the default) means nothing
 */
@Validated
@ConfigurationProperties("geokv.security")
public record SecurityProperties(
        @DefaultValue List<@Valid @NotNull ApiKey> apiKeys,
        @DefaultValue @Valid @NotNull Jwt jwt,
        @DefaultValue @Valid @NotNull Anonymous anonymous) {

    /** The API keys, by id. */
    public ApiKeys keys() {
        Map<String, ApiKeys.StoredKey> byId = new HashMap<>();
        for (ApiKey key : apiKeys) {
            Grant grant = Grant.of(ApiKeys.subject(key.id()), key.roles(), key.tenants(), key.regions());
            if (byId.put(key.id(), new ApiKeys.StoredKey(HexFormat.of().parseHex(key.sha256()), grant)) != null) {
                throw new IllegalArgumentException("two API keys have the id '" + key.id() + "'");
            }
        }
        return new ApiKeys(byId);
    }

    /** What a request without credentials may do, when anything. */
    public Optional<Grant> anonymousGrant() {
        return anonymous.enabled()
                ? Optional.of(Grant.of("anonymous", anonymous.roles(), anonymous.tenants(), anonymous.regions()))
                : Optional.empty();
    }

    /**
     * One API key. Make one with {@code scripts/new-api-key.sh <id>}: it prints the key (give it to the
     * client) and this entry (only the hash is configured).
     *
     * @param id the key's id, the part between {@code geokv_} and the secret
     * @param sha256 the SHA-256 of the whole key, in hex
     * @param roles {@code reader}, {@code writer} and/or {@code admin}
     * @param tenants the tenants it acts for, its default first; {@code *} for every tenant
     * @param regions the regions it may be served from; empty for every region
     * @param rateLimit its own limit instead of {@code geokv.security.rate-limits.credential} (gateway)
     */
    public record ApiKey(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}")
            String id,

            @NotBlank @Pattern(regexp = "[0-9a-fA-F]{64}") String sha256,
            @NotEmpty List<@NotBlank String> roles,
            @NotEmpty List<@NotBlank String> tenants,
            @DefaultValue List<@NotBlank String> regions,
            @Valid Limit rateLimit) {}

    /**
     * @param requests how many requests per {@code per}; 0 for no limit
     * @param per the period (default a second)
     * @param burst how many may come at once (default {@code requests})
     */
    public record Limit(
            @PositiveOrZero long requests,
            Duration per,
            @Positive Long burst) {

        public Limit {
            per = per == null ? Duration.ofSeconds(1) : per;
            burst = burst == null ? Long.valueOf(Math.max(1, requests)) : burst;
            if (per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("a rate limit's period must be positive, not " + per);
            }
        }

        public boolean limited() {
            return requests > 0;
        }
    }

    /**
     * The claims of a JWT that grant it roles, tenants and regions; each a list of strings or one
     * space-separated string. A JWT without the tenants claim acts for no tenant and is refused.
     */
    public record Jwt(
            @DefaultValue("roles") @NotBlank String rolesClaim,
            @DefaultValue("tenants") @NotBlank String tenantsClaim,
            @DefaultValue("regions") @NotBlank String regionsClaim) {}

    /**
     * Access without credentials, as Elasticsearch's anonymous user: for a trusted network or a test
     * deployment only.
     */
    public record Anonymous(
            @DefaultValue List<@NotBlank String> roles,
            @DefaultValue("*") List<@NotBlank String> tenants,
            @DefaultValue List<@NotBlank String> regions) {

        public boolean enabled() {
            return !roles.isEmpty();
        }
    }
}
