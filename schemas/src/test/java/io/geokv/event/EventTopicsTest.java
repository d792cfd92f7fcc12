package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.event.EventTopics.RecordKey;
import org.junit.jupiter.api.Test;

class EventTopicsTest {

  @Test
  void topicPerRegion() {
    assertThat(EventTopics.forRegion("eu-west")).isEqualTo("kv-events.eu-west");
    assertThat(EventTopics.regionOf("kv-events.eu-west")).contains("eu-west");
    assertThat(EventTopics.regionOf(EventTopics.forRegion("asia-pac"))).contains("asia-pac");
  }

  @Test
  void otherTopicsHaveNoRegion() {
    assertThat(EventTopics.regionOf("kv-events.")).isEmpty();
    assertThat(EventTopics.regionOf("kv-dead-letters")).isEmpty();
    assertThat(EventTopics.regionOf(EventTopics.DEAD_LETTERS)).isEmpty();
    assertThat(EventTopics.regionOf("other.kv-events.us-east")).isEmpty();
    assertThat(EventTopics.regionOf(null)).isEmpty();
  }

  @Test
  void blankRegionHasNoTopic() {
    assertThatThrownBy(() -> EventTopics.forRegion(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void regionMustFitInATopicName() {
    assertThatThrownBy(() -> EventTopics.forRegion("us east"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region 'us east' cannot be part of a Kafka topic name");
    assertThatThrownBy(() -> EventTopics.forRegion("r".repeat(240)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(EventTopics.forRegion("r".repeat(239))).hasSize(249);
  }

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
    assertThatThrownBy(() -> EventTopics.recordKey("a/b", "k"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
