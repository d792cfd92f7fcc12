package io.geokv.testing;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One real in-process KRaft broker per test JVM, started on first use and stopped when the JVM exits. */
public final class TestKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private TestKafka() {}

    public static synchronized String bootstrapServers() {
        if (broker == null) {
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
            broker = started;
        }
        return broker.getBrokersAsString();
    }
}
