package io.geokv.replication;

import io.geokv.conflict.KeyLimits;
import io.geokv.progress.ProgressProperties;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.region.RegionReplication;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.replication.replay.RegionReplayer;
import io.geokv.store.RegionStores;
import io.geokv.store.config.LimitsProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.config.TopicsProperties;
import io.geokv.topics.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the regions' stores, Kafka clients and replications from typed configuration. */
@Configuration(proxyBeanMethods = false)
class ReplicationConfiguration {

    @Bean(destroyMethod = "close")
    RegionStores regionStores(RegionsProperties regions) {
        return RegionStores.open(regions);
    }

    @Bean(destroyMethod = "close")
    Admin adminClient(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }

    @Bean
    ReplicationSupervisor replicationSupervisor(
            ReplicationProperties properties,
            RegionsProperties regions,
            LimitsProperties limitsProperties,
            TopicsProperties topicsProperties,
            RegionStores stores,
            Admin admin,
            KafkaProperties kafka,
            MeterRegistry meters) {
        KeyLimits limits = limitsProperties.forRegions(regions.names().size());
        TopicOffsets topics = new TopicOffsets(admin, Duration.ofSeconds(30));
        TopicProvisioner provisioner =
                new TopicProvisioner(admin, Duration.ofSeconds(30), limits, topicsProperties.durability());
        return new ReplicationSupervisor(
                properties,
                regions.names(),
                stores,
                provisioner,
                (region, store) -> new RegionReplication(
                        region,
                        regions.names(),
                        properties,
                        limits,
                        replicatedLikeEventTopics(kafka.buildStreamsProperties(), provisioner.durabilityForCluster()),
                        kafka.buildConsumerProperties(),
                        kafka.buildProducerProperties(),
                        topic -> topics.partitions(List.of(topic)).size(),
                        store,
                        meters));
    }

    @Bean
    RegionReplayer regionReplayer(Admin admin, RegionsProperties regions, RegionProgress progress) {
        return new RegionReplayer(admin, regions.names(), progress);
    }

    /** Started and stopped with the context (it is a {@code SmartLifecycle}): replays wait on it. */
    @Bean
    RegionProgress regionProgress(RegionStores stores, ProgressProperties settings) {
        return new RegionProgress(stores, settings);
    }

    /**
     * Streams' own topics (the merge store's changelog, which holds every key's dots) are replicated
     * like the event topics, unless {@code spring.kafka.streams.replication-factor} or {@code
     * spring.kafka.streams.properties.topic.min.insync.replicas} say otherwise: left to the broker's
     * default they could live on one replica while the log they summarize lives on three.
     */
    static Map<String, Object> replicatedLikeEventTopics(
            Map<String, Object> streams, TopicProvisioner.Durability durability) {
        Map<String, Object> config = new HashMap<>(streams);
        config.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) durability.replicationFactor());
        config.putIfAbsent(
                StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), durability.minInsyncReplicas());
        return config;
    }
}
