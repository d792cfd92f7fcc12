package io.geokv.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.KeyLimits;
import io.geokv.topics.TopicProvisioner;
import io.geokv.topics.TopicProvisioner.Durability;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * On a cluster of three brokers, geokv's topics and Streams' own topics get three replicas and
 * {@code min.insync.replicas} two unless configured otherwise, and a replication factor the cluster
 * cannot hold fails at start instead of being left to the broker's default.
 */
class TopicDurabilityIT {

    private static final KeyLimits LIMITS = new KeyLimits(1 << 20, 12, 6, 16 << 20, 3);

    private static EmbeddedKafkaKraftBroker cluster;
    private static Admin admin;

    @BeforeAll
    static void startThreeBrokers() {
        cluster = new EmbeddedKafkaKraftBroker(3, 1);
        cluster.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        cluster.afterPropertiesSet();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.getBrokersAsString()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.destroy();
        }
    }

    @Test
    void byDefaultEveryTopicHasThreeReplicasAndTwoMustHaveAWrite() throws Exception {
        TopicProvisioner provisioner =
                new TopicProvisioner(admin, Duration.ofSeconds(30), LIMITS, new Durability(null, null));
        provisioner.ensureEventTopics(List.of("durable"), 2);

        TopicDescription topic = admin.describeTopics(List.of("kv-events.durable"))
                .allTopicNames()
                .get()
                .get("kv-events.durable");
        assertThat(topic.partitions())
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        assertThat(minInsyncReplicas("kv-events.durable")).isEqualTo("2");
    }

    @Test
    void whatAUserConfiguresWins() {
        TopicProvisioner provisioner =
                new TopicProvisioner(admin, Duration.ofSeconds(30), LIMITS, new Durability((short) 2, 1));
        assertThat(provisioner.durabilityForCluster()).isEqualTo(new Durability((short) 2, 1));
    }

    @Test
    void moreReplicasThanBrokersFailsLoudly() {
        TopicProvisioner provisioner =
                new TopicProvisioner(admin, Duration.ofSeconds(30), LIMITS, new Durability((short) 4, null));

        assertThatThrownBy(() -> provisioner.ensureEventTopics(List.of("too-many"), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replication-factor is 4")
                .hasMessageContaining("3 broker(s)");
    }

    private static String minInsyncReplicas(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                .value();
    }
}
