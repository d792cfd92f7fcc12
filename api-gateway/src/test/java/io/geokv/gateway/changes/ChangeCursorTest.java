package io.geokv.gateway.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeCursorTest {

    private static final EventPartition US0 = new EventPartition("kv-events.us-east", 0);
    private static final EventPartition EU2 = new EventPartition("kv-events.eu-west", 2);

    @Test
    void itRoundTripsBothCoordinates() {
        ChangeCursor cursor = new ChangeCursor(
                "asia-pac",
                new AppliedPositions(
                        LogPositions.of(Map.of(US0, 10L, EU2, 4L)), LogPositions.of(Map.of(US0, 10L, EU2, 9L))));

        ChangeCursor decoded = ChangeCursor.decode(cursor.encode());

        assertThat(decoded).isEqualTo(cursor);
        assertThat(decoded.positions().origin().next(EU2)).isEqualTo(9);
        assertThat(ChangeCursor.decode(new ChangeCursor("us-east", AppliedPositions.empty()).encode())
                        .region())
                .isEqualTo("us-east");
    }

    @Test
    void anythingButWhatEncodeMakesIsRefused() {
        for (String text : new String[] {
            "",
            "|",
            "us-east",
            "us-east|kv-events.us-east/0/5",
            "us-east|kv-events.us-east/0/x/5",
            "us-east|kv-events.us-east/0/-1/5",
            "us-east|kv-events.us-east/0/5/5;kv-events.us-east/0/6/6",
            "us-east|kv-events.us-east/0/05/5",
            "us-east|bad topic/0/5/5"
        }) {
            String encoded =
                    Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> ChangeCursor.decode(encoded))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ChangeCursor.decode("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }
}
