package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private static final long LIMIT = 1024;
    private static final String REGION = "us-east";
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private static Optional<String> check(KvEvent e) {
        return EventValidator.violation(e, REGION, EventTopics.recordKey(e.getTenant(), e.getKey()), LIMIT, REGIONS);
    }

    @Test
    void validEventsPass() {
        assertThat(check(TestEvents.put().build())).isEmpty();
        assertThat(check(TestEvents.delete())).isEmpty();
        assertThat(check(TestEvents.put().setContext(TestEvents.context()).build()))
                .isEmpty();
        assertThat(check(TestEvents.put()
                        .setValue(ByteBuffer.allocate((int) LIMIT))
                        .build()))
                .isEmpty();
    }

    @Test
    void nullEvent() {
        assertThat(EventValidator.violation(null, REGION, "acme/k", LIMIT, REGIONS))
                .contains("event is missing (null record value)");
    }

    @Test
    void blankEventId() {
        assertThat(check(TestEvents.put().setEventId(" ").build())).contains("eventId must not be blank");
        assertThat(check(TestEvents.put().setEventId("").build())).contains("eventId must not be blank");
    }

    @Test
    void badTenant() {
        KvEvent e = TestEvents.put().setTenant("ACME").build();
        assertThat(EventValidator.violation(e, REGION, "ACME/user/42", LIMIT, REGIONS))
                .get()
                .asString()
                .startsWith("invalid tenant 'ACME'");
    }

    @Test
    void badKey() {
        assertThat(check(TestEvents.put().setKey("a".repeat(513)).build()))
                .contains("key must be 1 to 512 bytes of UTF-8, got 513");
        assertThat(check(TestEvents.put().setKey("").build())).contains("key must be 1 to 512 bytes of UTF-8, got 0");
        assertThat(check(TestEvents.put().setKey("bell\u0007").build()))
                .get()
                .asString()
                .contains("control characters");
    }

    @Test
    void valueTooLarge() {
        assertThat(check(TestEvents.put()
                        .setValue(ByteBuffer.allocate((int) LIMIT + 1))
                        .build()))
                .contains("value is 1025 bytes, larger than the limit of 1024 bytes");
    }

    @Test
    void blankContentType() {
        assertThat(check(TestEvents.put().setContentType("").build())).contains("contentType must not be blank");
    }

    @Test
    void originRegionMustMatchTheTopic() {
        KvEvent e = TestEvents.put().setOriginRegion("eu-west").build();
        assertThat(check(e)).contains("originRegion 'eu-west' does not match the topic's region 'us-east'");
        assertThat(check(TestEvents.put().setOriginRegion("").build())).contains("originRegion must not be blank");
        assertThat(EventValidator.violation(TestEvents.put().build(), null, "acme/user/42", LIMIT, REGIONS))
                .contains("event was not read from a region topic (kv-events.<region>)");
    }

    @Test
    void recordKeyMustBeTenantSlashKey() {
        KvEvent e = TestEvents.put().build();
        assertThat(EventValidator.violation(e, REGION, "acme/user/43", LIMIT, REGIONS))
                .contains("record key 'acme/user/43' does not match tenant/key 'acme/user/42'");
        assertThat(EventValidator.violation(e, REGION, "user/42", LIMIT, REGIONS))
                .isPresent();
        assertThat(EventValidator.violation(e, REGION, null, LIMIT, REGIONS))
                .contains("record key is missing; expected 'acme/user/42'");
    }

    @Test
    void negativeContextCounter() {
        assertThat(check(TestEvents.put()
                        .setContext(TestEvents.context("us-east", -1))
                        .build()))
                .contains("context counter for region 'us-east' must not be negative, got -1");
    }

    @Test
    void contextRegionsMustBeConfiguredRegions() {
        assertThat(check(TestEvents.put().setContext(TestEvents.context(" ", 1)).build()))
                .contains("context names an region is required; valid regions: us-east, eu-west, asia-pac");
        assertThat(check(TestEvents.put()
                        .setContext(TestEvents.context("mars", 1))
                        .build()))
                .contains("context names an unknown region 'mars'; valid regions: us-east, eu-west, asia-pac");
    }

    @Test
    void textFieldsRefuseWhatAStoreWouldRefuse() {
        assertThat(check(TestEvents.put().setContentType("text/plain\u0000").build()))
                .contains("contentType must not contain control characters; found U+0000 at character 10");
        assertThat(check(TestEvents.put().setEventId("id\u001b").build()))
                .contains("eventId must not contain control characters; found U+001B at character 2");
        assertThat(check(TestEvents.put().setEventId("e".repeat(129)).build()))
                .contains("eventId must be at most 128 bytes of UTF-8, got 129");
        assertThat(check(TestEvents.put().setContentType("t/" + "x".repeat(255)).build()))
                .contains("contentType must be at most 256 bytes of UTF-8, got 257");
    }

    @Test
    void duplicateContextRegion() {
        assertThat(check(TestEvents.put()
                        .setContext(TestEvents.context("eu-west", 1, "eu-west", 2))
                        .build()))
                .contains("context lists region 'eu-west' more than once");
    }

    @Test
    void negativeTimestamp() {
        assertThat(check(TestEvents.put().setOriginTimestamp(-1).build()))
                .contains("originTimestamp must not be negative, got -1");
    }
}
