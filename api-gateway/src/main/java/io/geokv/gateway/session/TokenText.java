package io.geokv.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The payload of a session token or change feed cursor as URL-safe text: base64url of UTF-8, without padding. */
public final class TokenText {

    private TokenText() {}

    public static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if {@code encoded} is not base64url */
    public static String decode(String encoded) {
        try {
            return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64url", e);
        }
    }
}
