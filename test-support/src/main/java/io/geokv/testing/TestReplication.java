package io.geokv.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties of a replication-streams application against the test broker and stores, and the
 * command-line arguments that pass properties to an application, in this JVM or a child process.
 */
public final class TestReplication {

    private TestReplication() {}

    /** Properties for a replication-streams application using the test broker and stores. */
    public static Map<String, Object> properties(Path stateDir) {
        Map<String, Object> properties = new LinkedHashMap<>(TestStores.properties());
        properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        properties.put("geokv.replication.state-dir", stateDir.toString());
        properties.put("server.port", 0);
        // The tests ask for replays and pauses without credentials; SecurityIT checks them.
        properties.put("geokv.security.anonymous.roles[0]", "admin");
        return properties;
    }

    /** Command-line arguments outrank the application's own configuration file; default properties would not. */
    public static String[] asArguments(Map<String, Object> properties) {
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }
}
