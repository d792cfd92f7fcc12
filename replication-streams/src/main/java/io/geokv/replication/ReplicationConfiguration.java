package io.geokv.replication;

import io.geokv.conflict.KeyLimits;
import io.geokv.progress.ProgressProperties;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.replication.apply.PointInTimeRestore;
import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.region.RegionReplication;
import io.geokv.replication.region.ReplicationSupervisor;
import io.geokv.replication.replay.RegionReplayer;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStores;
import io.geokv.store.config.LimitsProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.config.ResidencyProperties;
import io.geokv.store.config.TopicsProperties;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RegionClusters;
import io.geokv.topics.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the regions' stores, Kafka clients and replications from typed configuration. */
@Configuration(proxyBeanMethods = false)
class ReplicationConfiguration {

    /** Which tenants' data each region may hold ({@code geokv.residency}), shared with the gateway and the mirror. */
    @Bean
    Residency residency(ResidencyProperties residency, RegionsProperties regions) {
        return residency.forRegions(regions.names());
    }

    @Bean(destroyMethod = "close")
    RegionStores regionStores(RegionsProperties regions) {
        return RegionStores.open(regions);
    }

    /** An admin client of every region's cluster (one shared in the single topology). */
    @Bean(destroyMethod = "close")
    RegionClusters.PerCluster<Admin> adminClients(KafkaProperties kafka, RegionsProperties regions) {
        return regions.clusters().open(kafka.buildAdminProperties(), Admin::create);
    }

    @Bean
    ReplicationSupervisor replicationSupervisor(
            ReplicationProperties properties,
            RegionsProperties regions,
            LimitsProperties limitsProperties,
            Residency residency,
            TopicsProperties topicsProperties,
            RegionStores stores,
            RegionClusters.PerCluster<Admin> admins,
            KafkaProperties kafka,
            MeterRegistry meters) {
        KeyLimits limits = limitsProperties.forRegions(regions.names().size());
        Map<Admin, TopicProvisioner> provisioners = new IdentityHashMap<>(); // one per cluster
        return new ReplicationSupervisor(
                properties,
                regions.names(),
                stores,
                region -> provisioners.computeIfAbsent(
                        admins.of(region),
                        admin -> new TopicProvisioner(
                                admin, Duration.ofSeconds(30), limits, topicsProperties.durability())),
                (region, store) -> new RegionReplication(
                        region,
                        regions.names(),
                        residency,
                        properties,
                        limits,
                        kafka.buildStreamsProperties(),
                        kafka.buildConsumerProperties(),
                        kafka.buildProducerProperties(),
                        new TopicOffsets(admins.of(region), Duration.ofSeconds(30)),
                        regions.clusters(),
                        store,
                        meters));
    }

    /** Restores a region as of an instant into a side database, reading its cluster committed records only. */
    @Bean
    PointInTimeRestore pointInTimeRestore(
            ReplicationProperties properties,
            RegionsProperties regions,
            LimitsProperties limitsProperties,
            Residency residency,
            KafkaProperties kafka) {
        Map<String, Object> consumer = ClientSettings.peekingConsumer(kafka.buildConsumerProperties());
        ClientSettings.readCommitted(consumer);
        return new PointInTimeRestore(
                regions.clusters(),
                consumer,
                residency,
                limitsProperties.forRegions(regions.names().size()),
                properties.partitions());
    }

    @Bean
    RegionReplayer regionReplayer(
            RegionClusters.PerCluster<Admin> admins,
            RegionsProperties regions,
            KafkaProperties kafka,
            RegionProgress progress,
            Residency residency,
            MeterRegistry meters) {
        RegionReplayer replayer = new RegionReplayer(
                admins,
                regions.clusters(),
                kafka.buildConsumerProperties(),
                progress,
                tenant -> residency.heldByAll(regions.names(), tenant));
        for (String region : regions.names()) {
            Gauge.builder("geokv.replay.running", replayer, r -> r.isReplaying(region) ? 1 : 0)
                    .tag("region", region)
                    .description("1 while a replay rebuilds the region (its reads are incomplete), else 0")
                    .register(meters);
        }
        return replayer;
    }

    /** Started and stopped with the context (it is a {@code SmartLifecycle}): replays wait on it. */
    @Bean
    RegionProgress regionProgress(RegionStores stores, ProgressProperties settings) {
        return new RegionProgress(stores, settings);
    }
}
