package io.geokv.gateway.config;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.JsonSetUnion;
import io.geokv.conflict.KeepSiblings;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.SiblingResolver;
import io.geokv.gateway.changes.ChangeFeed;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.events.AppliedEvents;
import io.geokv.gateway.events.EventLogStartup;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.health.HealthTracker;
import io.geokv.gateway.health.checks.RegionHealthMonitor;
import io.geokv.gateway.history.KeyLog;
import io.geokv.gateway.kv.BatchLimits;
import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.gateway.kv.http.KvRequests;
import io.geokv.gateway.kv.read.KvReads;
import io.geokv.gateway.kv.write.KvWrites;
import io.geokv.gateway.lag.ReplicationLagMetrics;
import io.geokv.gateway.resolution.ResolutionRules;
import io.geokv.gateway.routing.Continent;
import io.geokv.gateway.routing.Failover;
import io.geokv.gateway.routing.RegionRouter;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.tokens.TokenSeal;
import io.geokv.gateway.web.RequestRouting;
import io.geokv.progress.AcknowledgedWrites;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.LostRegionSalvage;
import io.geokv.progress.OriginOffsets;
import io.geokv.progress.ProgressProperties;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStores;
import io.geokv.store.config.LimitsProperties;
import io.geokv.store.config.RegionsProperties;
import io.geokv.store.config.ResidencyProperties;
import io.geokv.store.config.TopicsProperties;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RecordSizes;
import io.geokv.topics.RegionClusters;
import io.geokv.topics.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the gateway from typed configuration. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GatewayConfiguration.class);

    /** The continents of docs/product.md, 'Geo-routing and failover', for those of its regions that are configured. */
    private static final Map<Continent, String> DEFAULT_CONTINENTS = Map.of(
            Continent.AMERICAS,
            "us-east",
            Continent.EUROPE,
            "eu-west",
            Continent.AFRICA,
            "eu-west",
            Continent.ASIA,
            "asia-pac",
            Continent.OCEANIA,
            "asia-pac");
    /** Typical round trips between the default regions. */
    private static final Map<String, Map<String, Integer>> DEFAULT_LATENCY_MS = Map.of(
            "us-east", Map.of("eu-west", 80, "asia-pac", 180),
            "eu-west", Map.of("asia-pac", 160));

    private final GatewayProperties properties;

    GatewayConfiguration(GatewayProperties properties) {
        this.properties = properties;
    }

    @Bean(destroyMethod = "close")
    RegionStores regionStores(RegionsProperties regions) {
        return RegionStores.openReadSide(regions);
    }

    /** Where resident tenants' data may be ({@code geokv.residency}), shared with replication and the mirror. */
    @Bean
    Residency residency(ResidencyProperties residency, RegionsProperties regions) {
        return residency.forRegions(regions.names());
    }

    @Bean
    RegionRouter regionRouter(RegionsProperties regions, Residency residency) {
        GatewayProperties.Routing routing = properties.routing();
        Map<Continent, String> continents = routing.continents().isEmpty()
                ? DEFAULT_CONTINENTS.entrySet().stream()
                        .filter(e -> regions.names().contains(e.getValue()))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))
                : routing.continents();
        Map<String, String> pins = new HashMap<>();
        routing.tenants().forEach((tenant, pin) -> pins.put(tenant, pin.region()));
        Map<String, String> ranges = new LinkedHashMap<>();
        routing.clientRanges().forEach(range -> ranges.put(range.cidr(), range.region()));
        return new RegionRouter(
                regions.names(),
                properties.defaultRegion(),
                properties.defaultTenant(),
                pins,
                residency,
                continents,
                ranges);
    }

    @Bean
    RequestRouting requestRouting(RegionRouter router, Failover failover, HealthTracker health) {
        return new RequestRouting(router, failover, health::serving);
    }

    @Bean
    Failover failover(RegionsProperties regions) {
        Map<String, Map<String, Integer>> latency = properties.routing().latencyMs();
        return new Failover(regions.names(), latency.isEmpty() ? DEFAULT_LATENCY_MS : latency);
    }

    @Bean
    HealthTracker healthTracker(RegionsProperties regions) {
        GatewayProperties.Health health = properties.health();
        return new HealthTracker(
                regions.names(),
                health.failuresToFail(),
                health.successesToRecover(),
                Clock.systemUTC().instant());
    }

    /** Started and stopped with the context (it is a {@code SmartLifecycle}). */
    @Bean(destroyMethod = "close")
    RegionHealthMonitor regionHealthMonitor(
            RegionsProperties regions,
            RegionStores stores,
            RegionClusters.PerCluster<Admin> admins,
            RegionProgress progress,
            HealthTracker tracker,
            MeterRegistry meters) {
        GatewayProperties.Health health = properties.health();
        RegionHealthMonitor monitor = new RegionHealthMonitor(
                stores,
                admins,
                progress,
                tracker,
                new RegionHealthMonitor.Settings(
                        health.interval(),
                        health.timeout(),
                        health.lagThreshold(),
                        regions.clusters().multi()),
                Clock.systemUTC(),
                meters);
        return monitor;
    }

    /** An admin client of every region's cluster (one shared in the single topology). */
    @Bean(destroyMethod = "close")
    RegionClusters.PerCluster<Admin> adminClients(KafkaProperties kafka, RegionsProperties regions) {
        return regions.clusters().open(kafka.buildAdminProperties(), Admin::create);
    }

    /**
     * Copies a lost region's events between the survivors' clusters; its clients are opened for a
     * salvage and closed after it.
     */
    @Bean
    LostRegionSalvage lostRegionSalvage(
            KafkaProperties kafka, RegionsProperties regions, RegionClusters.PerCluster<Admin> admins) {
        RegionClusters clusters = regions.clusters();
        Map<String, Object> consumer = peekingConsumer(kafka);
        ClientSettings.readCommitted(consumer);
        Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
        ClientSettings.require(producer, ProducerConfig.ACKS_CONFIG, "all", "a salvaged event survives a broker loss");
        ClientSettings.require(
                producer, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, "a retried send is not a second copy");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new LostRegionSalvage(
                clusters,
                admins,
                region -> new KafkaConsumer<>(clusters.settingsFor(region, consumer)),
                region -> new KafkaProducer<>(clusters.settingsFor(region, producer)),
                Duration.ofSeconds(30));
    }

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(
            KafkaProperties kafka, RegionsProperties regions, KeyLimits limits, AcknowledgedWrites acknowledged) {
        Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
        RecordSizes.requireAtLeast(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limits.eventRecordBytes());
        return new EventPublisher(producer, regions.clusters(), properties.writeTimeout(), acknowledged);
    }

    /**
     * The clock that stamps writes. Its wall clock is the system's unless the context has a
     * {@link Clock} bean (tests inject skewed ones); {@link EventLogStartup} makes it start after every
     * timestamp in the log.
     */
    @Bean
    HybridLogicalClock hybridLogicalClock(ObjectProvider<Clock> wallClock) {
        Clock wall = wallClock.getIfAvailable(Clock::systemUTC);
        return new HybridLogicalClock(wall::millis);
    }

    /** Started with the context (it is a {@code SmartLifecycle}), before the web server. */
    @Bean
    EventLogStartup eventLogStartup(
            RegionClusters.PerCluster<Admin> admins,
            KafkaProperties kafka,
            RegionsProperties regions,
            KeyLimits limits,
            TopicsProperties topics,
            HybridLogicalClock clock) {
        List<EventLogStartup.Cluster> clusters = new ArrayList<>();
        admins.regionsByClient()
                .forEach((admin, origins) -> clusters.add(new EventLogStartup.Cluster(
                        new TopicProvisioner(admin, Duration.ofSeconds(30), limits, topics.durability()),
                        origins,
                        new TopicOffsets(admin, Duration.ofSeconds(30)),
                        () -> new KafkaConsumer<>(
                                regions.clusters().settingsFor(origins.get(0), peekingConsumer(kafka))))));
        return new EventLogStartup(regions.names(), properties.partitions(), clock, clusters);
    }

    @Bean
    KeyLimits keyLimits(LimitsProperties limits, RegionsProperties regions) {
        return limits.forRegions(regions.names().size());
    }

    @Bean(name = "lww")
    SiblingResolver lastWriterWins() {
        return new LastWriterWins();
    }

    @Bean(name = "siblings")
    SiblingResolver keepSiblings() {
        return new KeepSiblings();
    }

    @Bean(name = "json-set-union")
    SiblingResolver jsonSetUnion() {
        return new JsonSetUnion();
    }

    /** Every {@link SiblingResolver} bean is a policy, by bean name: applications add their own the same way. */
    @Bean
    ResolutionRules resolutionRules(Map<String, SiblingResolver> resolvers) {
        GatewayProperties.Resolution resolution = properties.resolution();
        return new ResolutionRules(
                resolvers,
                resolution.defaultPolicy(),
                resolution.rules().stream()
                        .map(rule -> new ResolutionRules.Rule(rule.tenant(), rule.keyPrefix(), rule.policy()))
                        .toList());
    }

    @Bean
    ClientTokens clientTokens() {
        byte[] secret = properties.tokenSecret().getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0) {
            log.warn("geokv.gateway.token-secret is not set: context and session tokens are sealed with a random key"
                    + " and only this gateway instance, until it restarts, will accept them");
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        return new ClientTokens(new TokenSeal(secret));
    }

    @Bean
    ServingRegions servingRegions(RegionStores stores, Residency residency, HealthTracker health) {
        return new ServingRegions(stores.names(), residency, health::serving);
    }

    @Bean
    ConsistencyWaits consistencyWaits(EventPublisher publisher) {
        GatewayProperties.Consistency consistency = properties.consistency();
        return new ConsistencyWaits(
                consistency.sessionWait(),
                consistency.strongTimeout(),
                consistency.lockWait(),
                consistency.lockHold(),
                publisher.lastAppendBound());
    }

    @Bean
    KeyLogEnds keyLogEnds(RegionClusters.PerCluster<Admin> admins, RegionStores stores) {
        return new KeyLogEnds(
                new OriginOffsets(admins, Duration.ofSeconds(30)), stores.names(), properties.partitions());
    }

    @Bean
    KvRequests kvRequests(ClientTokens tokens) {
        return new KvRequests(tokens);
    }

    @Bean
    BatchLimits batchLimits(GatewayProperties gateway) {
        return gateway.batch();
    }

    /** Each follower reads its region's own cluster, committed records only, without a group. */
    @Bean(destroyMethod = "close")
    ChangeFeed changeFeed(
            GatewayProperties gateway,
            KafkaProperties kafka,
            RegionsProperties regions,
            RegionProgress progress,
            AppliedEvents applied) {
        RegionClusters clusters = regions.clusters();
        Map<String, Object> consumer = peekingConsumer(kafka);
        ClientSettings.readCommitted(consumer);
        // A follower waits at the head of the log: the broker answers its fetch when a record comes
        // (or after the user's wait), rather than at once with nothing, which would be a fetch loop.
        consumer.put(
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                kafka.buildConsumerProperties().getOrDefault(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500));
        return new ChangeFeed(
                clusters,
                region -> new KafkaConsumer<>(clusters.settingsFor(region, consumer)),
                progress,
                applied,
                gateway.changes().maxFollowers());
    }

    @Bean
    KvWrites kvWrites(
            RegionStores stores,
            EventPublisher publisher,
            HybridLogicalClock clock,
            ClientTokens tokens,
            RegionProgress progress,
            KeyLogEnds logEnds,
            ServingRegions serving,
            ConsistencyWaits waits,
            KeyLimits limits,
            Residency residency) {
        return new KvWrites(
                stores,
                publisher,
                clock,
                tokens,
                progress,
                logEnds,
                serving,
                new HomeRegions(stores.names(), residency),
                waits,
                limits);
    }

    @Bean
    KvReads kvReads(
            KeyLog log,
            RegionStores stores,
            ResolutionRules resolution,
            ClientTokens tokens,
            HybridLogicalClock clock,
            RegionProgress progress,
            KeyLogEnds logEnds,
            ServingRegions serving,
            ConsistencyWaits waits) {
        return new KvReads(log, stores, resolution, tokens, clock, progress, logEnds, serving, waits);
    }

    /** Reads a key's partitions of the region's own cluster, committed records only, without a group. */
    @Bean
    KeyLog keyLog(KafkaProperties kafka, RegionsProperties regions, KeyLimits limits, AppliedEvents applied) {
        RegionClusters clusters = regions.clusters();
        Map<String, Object> consumer = peekingConsumer(kafka);
        ClientSettings.readCommitted(consumer);
        return new KeyLog(
                clusters, region -> new KafkaConsumer<>(clusters.settingsFor(region, consumer)), limits, applied);
    }

    /** What replication applies of the log, for the gateway's readers of it (change feed, reads of the past). */
    @Bean
    AppliedEvents appliedEvents(RegionsProperties regions, KeyLimits limits, Residency residency) {
        return new AppliedEvents(regions.names(), limits, residency);
    }

    /** What Kafka acknowledged to this gateway: the recovery points count it after a cluster's loss. */
    @Bean
    AcknowledgedWrites acknowledgedWrites(RegionsProperties regions) {
        return new AcknowledgedWrites(regions.clusters().multi());
    }

    /** Started and stopped with the context (it is a {@code SmartLifecycle}). */
    @Bean
    RegionProgress regionProgress(
            RegionStores stores,
            ProgressProperties settings,
            RegionClusters.PerCluster<Admin> admins,
            RegionsProperties regions,
            KafkaProperties kafka,
            AcknowledgedWrites acknowledged,
            MeterRegistry meters) {
        RegionProgress progress = new RegionProgress(stores, settings);
        Map<String, Object> props = peekingConsumer(kafka);
        ClientSettings.defaultTo(props, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        // It reads one record per lagging partition: a fetch of the default 1 MiB per partition, every
        // lag interval, would copy a backlog's worth of records for nothing (the broker still returns a
        // first batch larger than this).
        ClientSettings.defaultTo(props, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        progress.measureLag(
                regions.clusters(),
                admins,
                regions.clusters().open(props, KafkaConsumer<byte[], byte[]>::new),
                Clock.systemUTC(),
                acknowledged);
        ReplicationLagMetrics.register(progress, meters);
        if (regions.clusters().multi()) {
            ReplicationLagMetrics.registerRecoveryPoints(progress, meters);
        }
        return progress;
    }

    private static Map<String, Object> peekingConsumer(KafkaProperties kafka) {
        return ClientSettings.peekingConsumer(kafka.buildConsumerProperties());
    }
}
