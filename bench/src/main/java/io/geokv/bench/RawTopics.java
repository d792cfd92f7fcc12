package io.geokv.bench;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The throwaway topics of the raw Kafka references: fresh for each measurement, deleted after. */
final class RawTopics {

    static final int PARTITIONS = 3;

    private RawTopics() {}

    /** Deletes the topic if it exists, then creates it empty. */
    static void recreate(Admin admin, String topic) throws Exception {
        delete(admin, topic);
        // A deletion completes asynchronously; retry the creation for a while.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Deletes the topic; an unknown topic is fine. */
    static void delete(Admin admin, String topic) throws Exception {
        admin.deleteTopics(List.of(topic))
                .all()
                .toCompletionStage()
                .exceptionally(e -> null)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }
}
