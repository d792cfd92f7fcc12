package io.geokv.gateway.kv.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.gateway.kv.KvProblem;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class PublishFailuresTest {

    @Test
    void aRecordThatMayHaveBeenAppendedIsAnUnknownOutcomeWithItsEventId() {
        for (Exception e : new Exception[] {
            new TimeoutException(
                    "Expiring 1 record(s) for kv-events.us-east-0: 2005 ms has passed since batch creation"),
            new NetworkException("Disconnected from node 1"),
            new NotEnoughReplicasAfterAppendException("appended, but too few replicas"),
            new IllegalStateException("anything else")
        }) {
            KvProblem problem = PublishFailures.problem("k", "event-1", e);
            assertThat(problem.kind()).isEqualTo(KvProblem.Kind.UNAVAILABLE);
            assertThat(problem.type()).isEqualTo("outcome-unknown");
            assertThat(problem.facts()).containsEntry("event_id", "event-1");
            assertThat(problem.getMessage()).contains("may or may not have been applied");
        }
    }

    @Test
    void onlyARecordThatNeverLeftTheProducerIsNotApplied() {
        for (Exception e : new Exception[] {
            new TimeoutException("Topic kv-events.us-east not present in metadata after 2000 ms."),
            new RecordTooLargeException("too large")
        }) {
            KvProblem problem = PublishFailures.problem("k", "event-1", e);
            assertThat(problem.type()).isEqualTo("kafka-unavailable");
            assertThat(problem.getMessage()).contains("it was not applied");
            assertThat(problem.facts()).isEmpty();
        }
    }
}
