package io.geokv.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class PublishFailuresTest {

    @Test
    void aRecordThatMayHaveBeenAppendedIsAnUnknownOutcomeWithItsEventId() {
        for (Exception e : new Exception[] {
                new TimeoutException("Expiring 1 record(s) for kv-events.us-east-0: 2005 ms has passed since batch creation"),
                new NetworkException("Disconnected from node 1"),
                new NotEnoughReplicasAfterAppendException("appended, but too few replicas"),
                new IllegalStateException("anything else")}) {
            ErrorResponseException problem = PublishFailures.problem("k", "event-1", e);
            assertThat(problem.getStatusCode().value()).isEqualTo(503);
            assertThat(problem.getBody().getType().toString()).endsWith("/outcome-unknown");
            assertThat(problem.getBody().getProperties()).containsEntry("event_id", "event-1");
            assertThat(problem.getBody().getDetail()).contains("may or may not have been applied");
        }
    }

    @Test
    void onlyARecordThatNeverLeftTheProducerIsNotApplied() {
        for (Exception e : new Exception[] {
                new TimeoutException("Topic kv-events.us-east not present in metadata after 2000 ms."),
                new RecordTooLargeException("too large")}) {
            ErrorResponseException problem = PublishFailures.problem("k", "event-1", e);
            assertThat(problem.getBody().getType().toString()).endsWith("/kafka-unavailable");
            assertThat(problem.getBody().getDetail()).contains("it was not applied");
            assertThat(problem.getBody().getProperties()).isNullOrEmpty();
        }
    }
}
