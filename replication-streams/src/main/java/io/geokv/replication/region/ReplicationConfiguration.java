package io.geokv.replication.region;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.geokv.conflict.KeyLimits;
import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.replay.RegionReplayer;
import io.geokv.store.RegionStores;
import io.geokv.store.config.LimitsProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.config.TopicsProperties;
import io.geokv.topics.TopicOffsets;
import io.geokv.topics.TopicProvisioner;

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
    ReplicationSupervisor replicationSupervisor(ReplicationProperties properties, RegionsProperties regions,
            LimitsProperties limitsProperties, TopicsProperties topicsProperties, RegionStores stores, Admin admin,
            KafkaProperties kafka, MeterRegistry meters) {
        KeyLimits limits = limitsProperties.forRegions(regions.names().size());
        TopicOffsets topics = new TopicOffsets(admin, Duration.ofSeconds(30));
        return new ReplicationSupervisor(properties, regions.names(), stores,
                new TopicProvisioner(admin, Duration.ofSeconds(30), limits, topicsProperties.durability()),
                (region, store) -> new RegionReplication(region, regions.names(), properties, limits,
                        kafka.buildStreamsProperties(), kafka.buildConsumerProperties(), kafka.buildProducerProperties(),
                        topic -> topics.partitions(List.of(topic)).size(),
                        store, meters));
    }

    @Bean
    RegionReplayer regionReplayer(Admin admin, RegionsProperties regions) {
        return new RegionReplayer(admin, regions.names());
    }
}
