package io.geokv.testing;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Real in-process KRaft brokers, stopped when the JVM exits: the test broker of the JVM, started on
 * first use, and further clusters of their own for the tests of several clusters (one per region).
 */
public final class TestKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private TestKafka() {}

    /** The bootstrap servers of the JVM's test broker. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = start();
        }
        return broker.getBrokersAsString();
    }

    /** Starts another cluster (one broker) and returns its bootstrap servers. */
    public static String newCluster() {
        return start().getBrokersAsString();
    }

    private static EmbeddedKafkaKraftBroker start() {
        EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 3);
        started.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "log.retention.ms", "-1"));
        started.afterPropertiesSet();
        TestShutdown.register(started::destroy);
        return started;
    }
}
