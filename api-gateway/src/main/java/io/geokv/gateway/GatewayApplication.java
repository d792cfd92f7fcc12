package io.geokv.gateway;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The geokv HTTP gateway: writes become events on the routed region's topic, reads come from its store. */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.geokv.gateway", "io.geokv.store.config", "io.geokv.progress"})
public class GatewayApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its own configuration file ({@code api-gateway.yml}), so it can share a
     * classpath (and a JVM) with the other geokv application.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .properties(Map.of("spring.config.name", "api-gateway"));
    }
}
