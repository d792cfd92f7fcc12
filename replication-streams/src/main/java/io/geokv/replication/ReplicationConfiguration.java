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
import org.apache.kafka.clients.admin.Admin;
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
                        kafka.buildStreamsProperties(),
                        kafka.buildConsumerProperties(),
                        kafka.buildProducerProperties(),
                        topics,
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
}
