package io.geokv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A one-node KRaft Kafka cluster in a JVM of its own, so that a test can kill it the way a machine
 * dies (SIGKILL: no shutdown hook, no clean close of its logs) and start it again on the same ports
 * and data. Its broker runs from the test's own classpath, which holds Kafka's broker for the
 * in-process test brokers.
 *
 * <p>Besides its listener for clients, it has one listener per named link, each reached only through
 * a {@link TcpProxy} of its own in the test JVM and advertised at that proxy's port
 * ({@link #linkBootstrapServers}): every connection of a client bootstrapped there (another region's
 * MirrorMaker 2) goes through that proxy, so cutting a link cuts that client off both ways while the
 * cluster's other clients are untouched.
 */
public final class KafkaProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final Map<String, TcpProxy> links;
    private Process process;

    private KafkaProcess(Path dir, int port, Map<String, TcpProxy> links) {
        this.dir = dir;
        this.port = port;
        this.links = links;
    }

    /**
     * Formats a new cluster in {@code dir} on free ports and starts it; stopped when the JVM exits.
     *
     * @param links the names of the links that reach it through a proxy each (none: only its own listener)
     */
    public static KafkaProcess start(Path dir, List<String> links) {
        try {
            Files.createDirectories(dir);
            int port = FreePorts.take();
            int controllerPort = FreePorts.take();
            Map<String, TcpProxy> proxies = new LinkedHashMap<>();
            StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + port);
            StringBuilder advertised = new StringBuilder(listeners);
            StringBuilder protocols = new StringBuilder("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
            for (int i = 0; i < links.size(); i++) {
                int linkPort = FreePorts.take();
                TcpProxy proxy = new TcpProxy(linkPort);
                TestShutdown.register(proxy);
                proxies.put(links.get(i), proxy);
                String listener = "LINK" + i;
                listeners.append(',').append(listener).append("://127.0.0.1:").append(linkPort);
                advertised.append(',').append(listener).append("://127.0.0.1:").append(proxy.port());
                protocols.append(',').append(listener).append(":PLAINTEXT");
            }
            listeners.append(",CONTROLLER://127.0.0.1:").append(controllerPort);
            Files.writeString(
                    dir.resolve("server.properties"),
                    config(dir, controllerPort, listeners.toString(), advertised.toString(), protocols.toString()));
            run(
                    List.of(
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            Uuid.randomUuid().toString(),
                            "-c",
                            dir.resolve("server.properties").toString()),
                    dir.resolve("format.log"));
            KafkaProcess kafka = new KafkaProcess(dir, port, Map.copyOf(proxies));
            kafka.restart();
            TestShutdown.register(kafka::kill);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Where a client reaches this cluster through the named link, which {@link #cutLink} cuts. */
    public String linkBootstrapServers(String link) {
        return "127.0.0.1:" + link(link).port();
    }

    /** Closes every connection through the named link and refuses new ones, until {@link #restoreLink}. */
    public void cutLink(String link) throws IOException {
        link(link).cut();
    }

    public void restoreLink(String link) {
        link(link).restore();
    }

    private TcpProxy link(String name) {
        TcpProxy link = links.get(name);
        if (link == null) {
            throw new IllegalArgumentException("no link " + name + "; links: " + links.keySet());
        }
        return link;
    }

    /** Starts the broker again on its ports and data (after {@link #kill}); waits until it listens. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Kafka on port " + port + " is running");
        }
        process = launch(List.of("kafka.Kafka", dir.resolve("server.properties").toString()), dir.resolve("kafka.log"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(
                        "Kafka did not start on port " + port + "; see " + dir.resolve("kafka.log"));
            }
            pause();
        }
    }

    /** SIGKILL on Linux: the broker gets no chance to clean up. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Kafka on port " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private static String config(
            Path dir, int controllerPort, String listeners, String advertisedListeners, String protocols) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "listeners=" + listeners,
                "advertised.listeners=" + advertisedListeners,
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=" + protocols,
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.ms=-1",
                "auto.create.topics.enable=false",
                "");
    }

    private static void run(List<String> mainAndArgs, Path log) {
        Process tool = launch(mainAndArgs, log);
        try {
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                tool.destroyForcibly();
                throw new IllegalStateException(mainAndArgs + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Process launch(List<String> mainAndArgs, Path log) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
