package io.geokv.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys, kept only as SHA-256 hashes. A key reads {@code geokv_<id>_<secret>}: the id names the
 * key (to find and revoke it; it is no secret), the secret is 32 random bytes in base64url.
 *
 * <p>Invariants: a key is never stored or logged, only its hash; the presented key's hash is compared
 * in constant time ({@link MessageDigest#isEqual}), and an unknown id costs the same hash and
 * comparison as a known one, so timing tells nothing about either. A plain SHA-256 suffices because
 * the secret has 256 bits of entropy (as GitHub's and Stripe's tokens): there is no password to guess.
 */
public final class ApiKeys {

    /** What every key starts with: tells an API key from a JWT, and lets secret scanners find leaked keys. */
    public static final String PREFIX = "geokv_";

    /** Key ids: lowercase letters, digits and hyphens. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** @param sha256 the SHA-256 of the whole key, {@code geokv_<id>_<secret>} */
    public record StoredKey(byte[] sha256, Grant grant) {}

    private static final byte[] NO_KEY = new byte[32];
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, StoredKey> byId;

    /** @param byId every valid key by its id */
    public ApiKeys(Map<String, StoredKey> byId) {
        byId.keySet().forEach(id -> {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("API key id '" + id + "' is not " + ID.pattern());
            }
        });
        this.byId = Map.copyOf(byId);
    }

    /** The {@link Grant#subject()} of the key with id {@code id}. */
    public static String subject(String id) {
        return "api-key " + id;
    }

    /** Whether a bearer token is meant as an API key rather than a JWT. */
    public static boolean isApiKey(String token) {
        return token.startsWith(PREFIX);
    }

    /** The grant of the key presented, when it is a valid key. */
    public Optional<Grant> authenticate(String presented) {
        String id = idOf(presented);
        StoredKey stored = id == null ? null : byId.get(id);
        boolean equal = MessageDigest.isEqual(sha256(presented), stored == null ? NO_KEY : stored.sha256());
        return equal && stored != null ? Optional.of(stored.grant()) : Optional.empty();
    }

    /** A new random key with id {@code id}. */
    public static String generate(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("API key id '" + id + "' is not " + ID.pattern());
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The hash to configure for {@code key}, in lowercase hex. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static String idOf(String key) {
        if (!isApiKey(key)) {
            return null;
        }
        int end = key.indexOf('_', PREFIX.length());
        return end < 0 ? null : key.substring(PREFIX.length(), end);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
