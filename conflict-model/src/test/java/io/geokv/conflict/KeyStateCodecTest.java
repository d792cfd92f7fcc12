package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyStateCodecTest {

    private static KeyState sample() {
        KeyState s = KeyState.empty()
                .receive(new Write(
                        "e1", "us-east", null, "héllo €".getBytes(StandardCharsets.UTF_8), "text/plain", 1L << 40))
                .receive(new Write("w1", "eu-west", VersionVector.of(Map.of("ap-south", 2L)), null, null, -5))
                .receive(new Write("w2", "eu-west", null, new byte[0], null, Long.MAX_VALUE));
        assertThat(s.siblings()).hasSize(3);
        return s;
    }

    @Test
    void roundTripsEmptyAndNonEmptyStates() {
        for (KeyState s : new KeyState[] {KeyState.empty(), sample()}) {
            byte[] bytes = KeyStateCodec.encode(s);
            assertThat(bytes[0]).isEqualTo((byte) 1);
            KeyState decoded = KeyStateCodec.decode(bytes);
            assertThat(decoded).isEqualTo(s);
            assertThat(KeyStateCodec.encode(decoded)).isEqualTo(bytes);
            assertThat(decoded.digest()).isEqualTo(s.digest());
        }
        assertThat(KeyStateCodec.decode(KeyStateCodec.encode(KeyState.empty())).isEmpty())
                .isTrue();
    }

    @Test
    void equalStatesHaveEqualBytes() {
        assertThat(KeyStateCodec.encode(sample())).isEqualTo(KeyStateCodec.encode(sample()));
        assertThat(KeyStateCodec.encode(sample())).isNotEqualTo(KeyStateCodec.encode(KeyState.empty()));
    }

    @Test
    void encodeReturnsAFreshArray() {
        KeyState s = sample();
        byte[] first = KeyStateCodec.encode(s);
        first[0] = 7;
        assertThat(KeyStateCodec.encode(s)[0]).isEqualTo((byte) 1);
    }

    @Test
    void rejectsNullEmptyAndUnknownVersions() {
        assertMalformed(null);
        assertMalformed(new byte[0]);
        byte[] bytes = KeyStateCodec.encode(sample());
        bytes[0] = 2;
        assertMalformed(bytes);
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] bytes = KeyStateCodec.encode(sample());
        for (int length = 0; length < bytes.length; length++) {
            assertMalformed(Arrays.copyOf(bytes, length));
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] bytes = KeyStateCodec.encode(sample());
        assertMalformed(Arrays.copyOf(bytes, bytes.length + 1));
    }

    @Test
    void rejectsNonCanonicalOrImpossibleStates() {
        // version, applied {a=1}, covered {}, last ids {} -> last ids do not match applied
        assertMalformed(new byte[] {1, 1, 1, 'a', 1, 0, 0, 0});
        // applied with a zero counter
        assertMalformed(new byte[] {1, 1, 1, 'a', 0, 0, 0, 0});
        // applied with unsorted regions
        assertMalformed(new byte[] {1, 2, 1, 'b', 1, 1, 'a', 1, 0, 2, 1, 'a', 1, 'x', 1, 'b', 1, 'y', 0});
        // non-minimal varint for the applied count
        assertMalformed(new byte[] {1, (byte) 0x80, 0, 0, 0, 0});
        // invalid UTF-8 region
        assertMalformed(new byte[] {1, 1, 1, (byte) 0xFF, 1, 0, 1, 1, (byte) 0xFF, 1, 'x', 0});
        // huge length prefix
        assertMalformed(new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
        // a sibling that was never applied: applied {}, covered {}, ids {}, 1 sibling a:1
        assertMalformed(new byte[] {1, 0, 0, 0, 1, 1, 'a', 1, 1, 'e', 0, 0, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void validHandMadeEncodingDecodes() {
        // applied {a=1}, covered {}, ids {a=e}, sibling a:1 "e", tombstone, no type, ts 0
        byte[] bytes = {1, 1, 1, 'a', 1, 0, 1, 1, 'a', 1, 'e', 1, 1, 'a', 1, 1, 'e', 0, 0, 0, 0, 0, 0, 0, 0, 0};
        KeyState s = KeyStateCodec.decode(bytes);
        assertThat(s).isEqualTo(KeyState.empty().receive(new Write("e", "a", null, null, null, 0)));
        assertThat(KeyStateCodec.encode(s)).isEqualTo(bytes);
        bytes[17] = 4; // unknown flag
        assertMalformed(bytes);
    }

    private static void assertMalformed(byte[] bytes) {
        assertThatThrownBy(() -> KeyStateCodec.decode(bytes))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed key state encoding");
    }
}
