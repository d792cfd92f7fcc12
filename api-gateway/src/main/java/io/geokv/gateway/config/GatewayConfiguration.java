package io.geokv.gateway.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.kv.KvService;
import io.geokv.gateway.lag.ReplicationLagMonitor;
import io.geokv.gateway.regions.RegionHealth;
import io.geokv.gateway.routing.RegionRouter;
import io.geokv.store.RegionStores;
import io.geokv.store.config.RegionsProperties;
import io.geokv.topics.TopicProvisioner;

/** Wires the gateway from typed configuration. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    private final GatewayProperties properties;

    GatewayConfiguration(GatewayProperties properties) {
        this.properties = properties;
    }

    @Bean(destroyMethod = "close")
    RegionStores regionStores(RegionsProperties regions) {
        return RegionStores.open(regions);
    }

    @Bean
    RegionRouter regionRouter(RegionsProperties regions) {
        return new RegionRouter(regions.names(), properties.defaultRegion());
    }

    @Bean(destroyMethod = "close")
    Admin adminClient(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(KafkaProperties kafka, Admin admin, RegionsProperties regions) {
        // Writes must find their topic even when the gateway starts before replication-streams.
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureEventTopics(regions.names(), properties.partitions());
        return new EventPublisher(kafka.buildProducerProperties(), properties.writeTimeout());
    }

    @Bean
    KvService kvService(RegionStores stores, EventPublisher publisher) {
        return new KvService(stores, publisher, new HybridLogicalClock(System::currentTimeMillis),
                properties.defaultTenant());
    }

    @Bean
    RegionHealth regionHealth(RegionStores stores) {
        return new RegionHealth(stores);
    }

    @Bean(destroyMethod = "close")
    ReplicationLagMonitor replicationLagMonitor(RegionsProperties regions, Admin admin, KafkaProperties kafka,
            MeterRegistry meters) {
        Map<String, Object> props = new HashMap<>(kafka.buildConsumerProperties());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ReplicationLagMonitor monitor = new ReplicationLagMonitor(
                regions.names(), admin, new KafkaConsumer<>(props), Clock.systemUTC(), meters);
        monitor.start(properties.lagRefreshInterval());
        return monitor;
    }
}
