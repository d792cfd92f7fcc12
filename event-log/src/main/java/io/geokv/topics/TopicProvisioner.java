package io.geokv.topics;

import io.geokv.conflict.KeyLimits;
import io.geokv.naming.GeokvNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates geokv's topics if they are missing. Safe to call from every process at every start: an
 * existing topic is kept as it is, but one with a different partition count is refused, because
 * events of one key would then meet in different Streams tasks, and one whose {@code
 * max.message.bytes} is below what the key limits need is raised to it (a record the broker refuses
 * would stop replication at that record).
 *
 * <p>Durability is explicit rather than the broker's defaults: topics get {@link
 * Durability#replicationFactor()} replicas and {@code min.insync.replicas}; by default three replicas
 * (fewer when the cluster has fewer brokers) and one less than that in sync, so that with {@code
 * acks=all} an acknowledged write is on at least two brokers whenever the cluster has two.
 */
public final class TopicProvisioner {

    /** The log is the source of truth: event topics keep everything unless an operator says otherwise. */
    private static final Map<String, String> KEEP_FOREVER = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1",
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);

    /**
     * How topics are replicated: {@code null} fields take the safe defaults for the cluster's broker
     * count (see the class comment).
     */
    public record Durability(Short replicationFactor, Integer minInsyncReplicas) {

        public Durability {
            if (replicationFactor != null && replicationFactor < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, not " + replicationFactor);
            }
            if (minInsyncReplicas != null
                    && (minInsyncReplicas < 1
                            || (replicationFactor != null && minInsyncReplicas > replicationFactor))) {
                throw new IllegalArgumentException(
                        "min.insync.replicas must be between 1 and the replication factor, not " + minInsyncReplicas);
            }
        }
    }

    private final Admin admin;
    private final Duration timeout;
    private final KeyLimits limits;
    private final Durability durability;

    public TopicProvisioner(Admin admin, Duration timeout, KeyLimits limits, Durability durability) {
        this.admin = admin;
        this.timeout = timeout;
        this.limits = limits;
        this.durability = durability;
    }

    /** Every region's {@code kv-events.<region>} topic and the dead-letter topic. */
    public void ensureEventTopics(Collection<String> regions, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String region : regions) {
            topics.add(keptForever(GeokvNames.eventTopic(region), partitions, limits.eventRecordBytes()));
        }
        // Dead letters are bad events, and merged states a region's store refused.
        topics.add(keptForever(GeokvNames.DEAD_LETTER_TOPIC, 1, limits.stateRecordBytes()));
        ensure(topics);
    }

    /**
     * The replication factor and {@code min.insync.replicas} new topics get on this cluster: the
     * configured ones, else the safe defaults for its broker count.
     *
     * @throws IllegalStateException if the configured replication factor exceeds the broker count
     */
    public Durability durabilityForCluster() {
        int brokers = get(admin.describeCluster().nodes(), "counting the brokers of the cluster")
                .size();
        short replicas = durability.replicationFactor() != null
                ? durability.replicationFactor()
                : (short) Math.max(1, Math.min(3, brokers));
        if (replicas > brokers) {
            throw new IllegalStateException("geokv.topics.replication-factor is " + replicas + " but the cluster has "
                    + brokers + " broker(s)");
        }
        int inSync =
                durability.minInsyncReplicas() != null ? durability.minInsyncReplicas() : Math.max(1, replicas - 1);
        return new Durability(replicas, inSync);
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

    private static NewTopic keptForever(String name, int partitions, long maxMessageBytes) {
        Map<String, String> configs = new HashMap<>(KEEP_FOREVER);
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(maxMessageBytes));
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }

    /** A topic of merged states derived from the event log, kept only for {@code retention}. */
    public NewTopic derived(String name, int partitions, Duration retention) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty())
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(limits.stateRecordBytes())));
    }

    public void ensure(List<NewTopic> wanted) {
        Durability resolved = durabilityForCluster();
        List<NewTopic> topics =
                wanted.stream().map(topic -> withDurability(topic, resolved)).toList();
        for (NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("could not create topic " + topic.name(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException(
                        "Kafka did not answer within " + timeout + " while creating " + topic.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating " + topic.name(), e);
            }
        }
        checkPartitions(topics);
        raiseMessageSizes(topics);
    }

    private static NewTopic withDurability(NewTopic topic, Durability durability) {
        Map<String, String> configs = new HashMap<>(topic.configs());
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(durability.minInsyncReplicas()));
        return new NewTopic(
                        topic.name(), Optional.of(topic.numPartitions()), Optional.of(durability.replicationFactor()))
                .configs(configs);
    }

    /** Topics made before the limits were raised must take the records the limits now allow. */
    private void raiseMessageSizes(List<NewTopic> topics) {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                .toList();
        Map<ConfigResource, Config> current =
                get(admin.describeConfigs(resources).all(), "reading max.message.bytes of " + resources);
        Map<ConfigResource, Collection<AlterConfigOp>> raises = new HashMap<>();
        for (NewTopic topic : topics) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
            String needed = topic.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            ConfigEntry actual = current.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (needed != null && (actual == null || Long.parseLong(actual.value()) < Long.parseLong(needed))) {
                raises.put(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, needed),
                                AlterConfigOp.OpType.SET)));
            }
        }
        if (!raises.isEmpty()) {
            get(admin.incrementalAlterConfigs(raises).all(), "raising max.message.bytes of " + raises.keySet());
        }
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("failed " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Kafka did not answer within " + timeout + " " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted " + what, e);
        }
    }

    private void checkPartitions(List<NewTopic> topics) {
        Map<String, TopicDescription> described =
                describe(topics.stream().map(NewTopic::name).toList());
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
