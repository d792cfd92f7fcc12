package io.geokv.store.config;

import io.geokv.topics.TopicProvisioner;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How geokv's topics are replicated in Kafka ({@code geokv.topics.*}), for every process that creates
 * them. Unset values take safe defaults for the cluster's broker count: three replicas (or as many as
 * there are brokers) and {@code min.insync.replicas} one less (at least one).
 *
 * @param replicationFactor replicas of every topic geokv creates; unset: min(3, brokers)
 * @param minInsyncReplicas replicas that must have a write before it is acknowledged; unset: replicas - 1, at least 1
 */
@Validated
@ConfigurationProperties("geokv.topics")
public record TopicsProperties(
        @Min(1) Short replicationFactor, @Min(1) Integer minInsyncReplicas) {

    public TopicProvisioner.Durability durability() {
        return new TopicProvisioner.Durability(replicationFactor, minInsyncReplicas);
    }
}
