package io.geokv.gateway.tokens;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the tokens the API hands out ({@code X-Context}, {@code X-Session}) so that a client can send
 * them back but cannot make one up: {@code <payload>.<mac>}, where the MAC is the first 16 bytes of
 * HMAC-SHA256 over the token's purpose and payload, base64url without padding. The payload stays
 * readable (it is not a secret); every gateway of a deployment must share the key.
 */
public final class TokenSeal {

    static final int MAC_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    /** A Mac per thread, initialized once: looking one up and keying it costs more than the MAC itself. */
    private final ThreadLocal<Mac> macs;

    /** @param secret the shared key, at least 16 bytes */
    public TokenSeal(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the token secret must have at least 16 bytes, not " + secret.length);
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** {@code payload} (URL-safe, without '.') sealed for {@code purpose}. */
    public String seal(String purpose, String payload) {
        return payload + "." + BASE64URL.encodeToString(mac(purpose, payload));
    }

    /**
     * The payload of a token sealed for {@code purpose}.
     *
     * @throws IllegalArgumentException when the token is not sealed, or was sealed with another key or
     *     for another purpose, or was altered
     */
    public String open(String purpose, String token) {
        int dot = token.lastIndexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("not a sealed token (no signature)");
        }
        String payload = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its signature is not base64url", e);
        }
        if (!MessageDigest.isEqual(given, mac(purpose, payload))) {
            throw new IllegalArgumentException(
                    "its signature does not match: it was altered, not issued by geokv, or issued for another purpose, tenant or key");
        }
        return payload;
    }

    /** The payload of a sealed token, unverified: for trusted readers such as producers writing to Kafka. */
    public static String payloadOf(String token) {
        int dot = token.lastIndexOf('.');
        return dot < 0 ? token : token.substring(0, dot);
    }

    private byte[] mac(String purpose, String payload) {
        // doFinal leaves the Mac reset for the next use, keyed as before.
        Mac mac = macs.get();
        mac.update(purpose.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
