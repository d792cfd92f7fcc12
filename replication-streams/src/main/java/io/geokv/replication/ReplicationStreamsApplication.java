package io.geokv.replication;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Hosts one Kafka Streams application per configured region ({@code geokv-<region>}), each folding
 * every region's events into that region's PostgreSQL and Redis.
 */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.geokv.replication", "io.geokv.store.config", "io.geokv.progress"})
public class ReplicationStreamsApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its own configuration file ({@code replication-streams.yml}), so it can share a
     * classpath (and a JVM) with the other geokv application.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ReplicationStreamsApplication.class)
                .properties(Map.of("spring.config.name", "replication-streams"));
    }
}
