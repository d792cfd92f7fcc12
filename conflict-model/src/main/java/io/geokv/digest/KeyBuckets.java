package io.geokv.digest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The bucket of a key: the first byte of a SHA-256 over its length-prefixed tenant and key. */
public final class KeyBuckets {

    public static final int COUNT = 256;

    private KeyBuckets() {}

    public static int of(String tenant, String key) {
        MessageDigest sha256 = sha256();
        put(sha256, tenant.getBytes(StandardCharsets.UTF_8));
        put(sha256, key.getBytes(StandardCharsets.UTF_8));
        return sha256.digest()[0] & 0xff;
    }

    /** Length-prefixed, so that ("ab", "c") and ("a", "bc") differ. */
    static void put(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
