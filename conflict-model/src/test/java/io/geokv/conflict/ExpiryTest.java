package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ExpiryTest {

    private static final SiblingResolver LWW = new LastWriterWins();
    private static final SiblingResolver SIBLINGS = new KeepSiblings();

    private static Write put(String id, String origin, VersionVector context, String value, long ts, long expiresAt) {
        return new Write(id, origin, context, value.getBytes(StandardCharsets.UTF_8), "text/plain", ts, expiresAt);
    }

    private static Resolution value(String text) {
        return new Resolution.Value(text.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Test
    void aValueReadsAsDeletedFromItsExpiryOn() {
        KeyState s = KeyState.empty().receive(put("e1", "us-east", null, "v", 10, 2_000));

        assertThat(LWW.resolve(s.visibleAt(1_999).siblings())).isEqualTo(value("v"));
        assertThat(LWW.resolve(s.visibleAt(2_000).siblings())).isEqualTo(Resolution.ABSENT);
        assertThat(s.visibleAt(1_999)).isSameAs(s);
        // The view keeps causality: its context is the stored state's.
        assertThat(s.visibleAt(5_000).context()).isEqualTo(s.context());
        assertThat(s.visibleAt(5_000).siblings().get(0).eventId()).isEqualTo("e1");
    }

    @Test
    void aLaterWriteWithoutExpiryClearsIt() {
        KeyState s = KeyState.empty().receive(put("e1", "us-east", null, "v1", 10, 2_000));
        s = s.receive(put("e2", "eu-west", s.context(), "v2", 20, Sibling.NEVER));

        assertThat(LWW.resolve(s.visibleAt(1_000_000).siblings())).isEqualTo(value("v2"));
        assertThat(s.nextExpiryAfter(0)).isEqualTo(Sibling.NEVER);
    }

    @Test
    void underLastWriterWinsTheNewestConcurrentWriteDecidesWhetherTheKeyExpires() {
        KeyState base = KeyState.empty();
        Write newerExpiring = put("a", "us-east", null, "short", 20, 2_000);
        Write olderLasting = put("b", "eu-west", null, "long", 10, Sibling.NEVER);
        KeyState one = base.receive(newerExpiring).receive(olderLasting);
        KeyState other = base.receive(olderLasting).receive(newerExpiring);

        assertThat(one).isEqualTo(other);
        assertThat(LWW.resolve(one.visibleAt(1_000).siblings())).isEqualTo(value("short"));
        // The newer write expired: the key reads as deleted, the older concurrent value stays hidden.
        assertThat(LWW.resolve(one.visibleAt(2_000).siblings())).isEqualTo(Resolution.ABSENT);
        // Under siblings, an expired value simply leaves the shown values.
        assertThat(SIBLINGS.resolve(one.visibleAt(2_000).siblings())).isEqualTo(value("long"));

        Write newerLasting = put("c", "ap-south", null, "newest", 30, Sibling.NEVER);
        KeyState three = one.receive(newerLasting);
        assertThat(LWW.resolve(three.visibleAt(2_000).siblings())).isEqualTo(value("newest"));
    }

    @Test
    void aCacheMayKeepAStateUntilItsNextExpiry() {
        KeyState s = KeyState.empty()
                .receive(put("a", "us-east", null, "a", 1, 3_000))
                .receive(put("b", "eu-west", null, "b", 2, 2_000))
                .receive(put("c", "ap-south", null, "c", 3, Sibling.NEVER));

        assertThat(s.nextExpiryAfter(0)).isEqualTo(2_000);
        assertThat(s.nextExpiryAfter(2_000)).isEqualTo(3_000);
        assertThat(s.nextExpiryAfter(3_000)).isEqualTo(Sibling.NEVER);
    }

    @Test
    void deletesNeverExpire() {
        Write delete = new Write("d", "us-east", null, null, null, 5, 2_000);
        assertThat(delete.expiresAt()).isEqualTo(Sibling.NEVER);
        assertThat(KeyState.empty().receive(delete).siblings().get(0).expires()).isFalse();
    }

    @Test
    void expiriesAreCountedFromTheWritesOwnTimestamp() {
        long timestamp = (1_700_000_000_000L << 16) | 5;
        assertThat(Expiry.after(timestamp, 2)).isEqualTo(1_700_000_002_000L);
        assertThatThrownBy(() -> Expiry.after(timestamp, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Expiry.after(timestamp, Expiry.MAX_TTL_SECONDS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> put("e", "us-east", null, "v", 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEncodingCarriesExpiriesAndLeavesStatesWithoutThemAsBefore() {
        KeyState plain = KeyState.empty().receive(put("e1", "us-east", null, "v", 10, Sibling.NEVER));
        // The bytes of version 1 before expiries existed.
        assertThat(HexFormat.of().formatHex(KeyStateCodec.encode(plain)))
                .isEqualTo("01" + "010775732d6561737401" + "00" + "010775732d65617374026531"
                        + "01" + "0775732d6561737401" + "026531" + "03" + "0176" + "0a746578742f706c61696e"
                        + "000000000000000a");

        KeyState expiring = KeyState.empty().receive(put("e1", "us-east", null, "v", 10, 2_000));
        byte[] bytes = KeyStateCodec.encode(expiring);
        assertThat(KeyStateCodec.decode(bytes)).isEqualTo(expiring);
        assertThat(KeyStateCodec.decode(bytes).siblings().get(0).expiresAt()).isEqualTo(2_000);
        assertThat(bytes).hasSize(KeyStateCodec.encode(plain).length + 8);
        assertThat(expiring.digest()).isNotEqualTo(plain.digest());
        assertThat(expiring.visibleAt(2_000).siblings().get(0).isTombstone()).isTrue();
    }
}
