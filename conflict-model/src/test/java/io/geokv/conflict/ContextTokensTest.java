package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextTokensTest {

    private static final VersionVector SAMPLE =
            VersionVector.of(Map.of("us-east", 5L, "eu-west", 2L, "ap-south", 300L));

    @Test
    void roundTrips() {
        for (VersionVector v :
                new VersionVector[] {VersionVector.empty(), SAMPLE, VersionVector.of(Map.of("x", Long.MAX_VALUE))}) {
            String token = ContextTokens.encode(v);
            assertThat(token).matches("[A-Za-z0-9_-]+");
            assertThat(ContextTokens.decode(token)).isEqualTo(v);
        }
        assertThat(ContextTokens.encode(SAMPLE))
                .isEqualTo(
                        ContextTokens.encode(VersionVector.of(Map.of("ap-south", 300L, "eu-west", 2L, "us-east", 5L))));
    }

    @Test
    void rejectsGarbage() {
        String valid = ContextTokens.encode(SAMPLE);
        byte[] raw = Base64.getUrlDecoder().decode(valid);
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        byte[] trailing = java.util.Arrays.copyOf(raw, raw.length + 1);
        byte[] truncated = java.util.Arrays.copyOf(raw, raw.length - 1);
        byte[] wrongVersion = raw.clone();
        wrongVersion[0] = 9;
        for (String bad : new String[] {
            null,
            "",
            "   ",
            "!!!",
            "not a token",
            "AQA=",
            " " + valid,
            valid + "*",
            valid + "A",
            enc.encodeToString(trailing),
            enc.encodeToString(truncated),
            enc.encodeToString(wrongVersion),
            enc.encodeToString(new byte[] {1, 1, 1, 'a', 0}),
            enc.encodeToString(new byte[] {1, 2, 1, 'b', 1, 1, 'a', 1}),
            enc.encodeToString(new byte[] {1, 1, 1, ' ', 1}),
            enc.encodeToString(new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F})
        }) {
            assertThatThrownBy(() -> ContextTokens.decode(bad))
                    .as("token %s", bad)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("malformed context token");
        }
    }

    @Test
    void rejectsNonCanonicalBase64() {
        // "AQA" is the empty vector; "AQB" decodes to the same bytes with non-zero spare bits.
        assertThat(ContextTokens.encode(VersionVector.empty())).isEqualTo("AQA");
        assertThatThrownBy(() -> ContextTokens.decode("AQB"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed context token");
    }
}
