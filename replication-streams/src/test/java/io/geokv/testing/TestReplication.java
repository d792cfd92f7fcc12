package io.geokv.testing;

import io.geokv.replication.ReplicationStreamsApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/** Starts replication-streams against the test broker and stores, in this JVM. */
public final class TestReplication {

    private TestReplication() {}

    /** Properties for a replication-streams application using the test broker and stores. */
    public static Map<String, Object> properties(Path stateDir) {
        Map<String, Object> properties = new LinkedHashMap<>(TestStores.properties());
        properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        properties.put("geokv.replication.state-dir", stateDir.toString());
        properties.put("server.port", 0);
        return properties;
    }

    /** Command-line arguments outrank the application's own configuration file; default properties would not. */
    public static String[] asArguments(Map<String, Object> properties) {
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }

    public static ConfigurableApplicationContext start() {
        TestStores.resetOncePerJvm();
        try {
            Path stateDir = Files.createTempDirectory("geokv-streams-test");
            // Registered first, so it runs after the application is closed.
            TestShutdown.register(() -> FileSystemUtils.deleteRecursively(stateDir));
            ConfigurableApplicationContext context = ReplicationStreamsApplication.builder()
                    .registerShutdownHook(false)
                    .run(asArguments(properties(stateDir)));
            TestShutdown.register(context::close);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
