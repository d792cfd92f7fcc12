package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.event.EventTopics.RecordKey;
import org.junit.jupiter.api.Test;

class EventTopicsTest {

    @Test
    void recordKeyIsTenantSlashKeyAndParsesBackEvenWhenTheKeyHasSlashes() {
        assertThat(EventTopics.recordKey("acme", "user/42/profile")).isEqualTo("acme/user/42/profile");
        assertThat(EventTopics.parseRecordKey("acme/user/42/profile"))
                .contains(new RecordKey("acme", "user/42/profile"));
        assertThat(new RecordKey("t1", "k").toString()).isEqualTo("t1/k");
    }

    @Test
    void malformedRecordKeysDoNotParse() {
        assertThat(EventTopics.parseRecordKey("no-slash")).isEmpty();
        assertThat(EventTopics.parseRecordKey("/key")).isEmpty();
        assertThat(EventTopics.parseRecordKey(null)).isEmpty();
        assertThat(EventTopics.parseRecordKey("acme/")).contains(new RecordKey("acme", ""));
    }

    @Test
    void tenantWithSlashCannotFormARecordKey() {
        assertThatThrownBy(() -> EventTopics.recordKey("a/b", "k")).isInstanceOf(IllegalArgumentException.class);
    }
}
