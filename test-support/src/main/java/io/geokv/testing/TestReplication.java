package io.geokv.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties of a replication-streams application against the test broker and stores, and the
 * command-line arguments that pass properties to an application, in this JVM or a child process.
 */
public final class TestReplication {

    private static final List<String> SECURITY_AUTO_CONFIGURATION = List.of(
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration");

    private TestReplication() {}

    /** Properties for a replication-streams application using the test broker and stores. */
    public static Map<String, Object> properties(Path stateDir) {
        Map<String, Object> properties = new LinkedHashMap<>(TestStores.properties());
        properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        properties.put("geokv.replication.state-dir", stateDir.toString());
        properties.put("server.port", 0);
        // replication-streams ships without Spring Security; a test JVM that also runs the gateway has
        // it on the classpath, so its auto-configuration is left out to run replication-streams as
        // it runs on its own.
        properties.put("spring.autoconfigure.exclude", String.join(",", SECURITY_AUTO_CONFIGURATION));
        return properties;
    }

    /** Command-line arguments outrank the application's own configuration file; default properties would not. */
    public static String[] asArguments(Map<String, Object> properties) {
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }
}
