package io.geokv.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.geokv.event.EventTopics;

/**
 * Creates geokv's topics if they are missing. Safe to call from every process at every start: an
 * existing topic is kept as it is, but one with a different partition count is refused, because
 * events of one key would then meet in different Streams tasks.
 */
public final class TopicProvisioner {

    /** The log is the source of truth: event topics keep everything unless an operator says otherwise. */
    private static final Map<String, String> KEEP_FOREVER = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1",
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Every region's {@code kv-events.<region>} topic and the dead-letter topic. */
    public void ensureEventTopics(Collection<String> regions, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String region : regions) {
            topics.add(keptForever(EventTopics.forRegion(region), partitions));
        }
        topics.add(keptForever(EventTopics.DEAD_LETTERS, 1));
        ensure(topics);
    }

    /** A topic just created may not be known to every broker yet: describe it until it is, within the timeout. */
    private Map<String, TopicDescription> describe(List<String> names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new KafkaException("could not describe topics " + names, e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("Kafka did not answer within " + timeout + " describing " + names, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while describing topics", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while describing topics", e);
            }
        }
    }

    public static NewTopic keptForever(String name, int partitions) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(KEEP_FOREVER);
    }

    /** A topic of data derived from the event log, kept only for {@code retention}. */
    public static NewTopic derived(String name, int partitions, Duration retention) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    public void ensure(List<NewTopic> topics) {
        for (NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("could not create topic " + topic.name(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("Kafka did not answer within " + timeout + " while creating " + topic.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating " + topic.name(), e);
            }
        }
        checkPartitions(topics);
    }

    private void checkPartitions(List<NewTopic> topics) {
        Map<String, TopicDescription> described = describe(topics.stream().map(NewTopic::name).toList());
        for (NewTopic topic : topics) {
            int wanted = topic.numPartitions();
            int actual = described.get(topic.name()).partitions().size();
            if (wanted != actual) {
                throw new IllegalStateException("topic " + topic.name() + " has " + actual
                        + " partitions but geokv is configured for " + wanted
                        + "; every event topic must have the same partition count");
            }
        }
    }
}
