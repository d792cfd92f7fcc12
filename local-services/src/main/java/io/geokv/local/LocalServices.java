package io.geokv.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.embedded.RedisServer;

/**
 * An embedded PostgreSQL and/or Redis on 127.0.0.1, for {@code scripts/run-local.sh} on a machine
 * where none answers on the ports the apps use. It prints one line starting with {@link #READY}
 * once every asked-for service accepts connections, then runs until SIGTERM (or until the
 * {@code --stop-with} process exits) and stops them.
 *
 * <p>PostgreSQL trusts every local connection of user {@code postgres}, as the apps expect; they
 * create their databases themselves. Its data stays in {@code --postgres-data} across runs. Redis
 * is a cache here: nothing is persisted.
 */
@Command(
        name = "local-services",
        mixinStandardHelpOptions = true,
        description = "Runs an embedded PostgreSQL and/or Redis on 127.0.0.1 until SIGTERM.")
public final class LocalServices implements Callable<Integer> {

    /** The start of the line printed once everything accepts connections. */
    public static final String READY = "local-services ready:";

    static final String HOST = "127.0.0.1";
    private static final Duration POSTGRES_START_WAIT = Duration.ofSeconds(60);

    @Option(names = "--postgres-port", description = "Start PostgreSQL on this port.")
    Integer postgresPort;

    @Option(names = "--postgres-data", description = "PostgreSQL's data folder (kept across runs).")
    Path postgresData;

    @Option(names = "--redis-port", description = "Start Redis on this port.")
    Integer redisPort;

    @Option(names = "--redis-dir", description = "Redis's working folder (its pid file; nothing is persisted).")
    Path redisDir;

    @Option(
            names = "--binaries-dir",
            required = true,
            description = "Where the PostgreSQL binaries are unpacked (once).")
    Path binariesDir;

    @Option(names = "--stop-with", description = "Stop when the process with this pid exits.")
    Long stopWith;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final List<AutoCloseable> running = new ArrayList<>();

    LocalServices(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalServices(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (postgresPort == null && redisPort == null) {
            throw new ParameterException(
                    spec.commandLine(), "nothing to start: give --postgres-port and/or --redis-port");
        }
        if (postgresPort != null && postgresData == null) {
            throw new ParameterException(spec.commandLine(), "--postgres-port needs --postgres-data");
        }
        if (redisPort != null && redisDir == null) {
            throw new ParameterException(spec.commandLine(), "--redis-port needs --redis-dir");
        }
        if (postgresPort != null && "root".equals(System.getProperty("user.name"))) {
            out.println("PostgreSQL does not run as root: start local-services as another user"
                    + " (scripts/run-local.sh does, in a user namespace)");
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "local-services-stop"));
        List<String> started = new ArrayList<>();
        try {
            if (postgresPort != null) {
                started.add(startPostgres());
            }
            if (redisPort != null) {
                started.add(startRedis());
            }
        } catch (Exception e) {
            stopAll();
            throw e;
        }
        out.println(READY + " " + String.join("; ", started));
        out.flush();
        if (stopWith != null) {
            stopWhenGone(stopWith);
        }
        new CountDownLatch(1).await(); // until SIGTERM: the shutdown hook stops the services
        return 0;
    }

    private String startPostgres() throws IOException, SQLException {
        Files.createDirectories(postgresData);
        // Where zonky unpacks its binaries; it only cleans up data folders below it, and ours is elsewhere.
        System.setProperty("ot.epg.working-dir", binariesDir.toAbsolutePath().toString());
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(postgresPort)
                .setDataDirectory(postgresData)
                .setCleanDataDirectory(false)
                .setLocaleConfig("locale", "C")
                .setServerConfig("listen_addresses", HOST)
                // Durable like an installed server (zonky's default turns it off).
                .setServerConfig("synchronous_commit", "on")
                .setPGStartupWait(POSTGRES_START_WAIT)
                .start();
        running.add(postgres);
        String version;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW server_version")) {
            result.next();
            version = result.getString(1);
        }
        return "PostgreSQL " + version + " on " + HOST + ":" + postgresPort + " (data in " + postgresData + ")";
    }

    private String startRedis() throws IOException {
        Files.createDirectories(redisDir);
        Path dir = redisDir.toAbsolutePath();
        RedisServer redis = RedisServer.newRedisServer()
                .bind(HOST)
                .port(redisPort)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + dir)
                .setting("pidfile " + dir.resolve("redis-server.pid"))
                .soutListener(out::println)
                .serrListener(System.err::println)
                .build();
        redis.start();
        running.add(redis::stop);
        return "Redis " + RedisVersion.of(HOST, redisPort) + " on " + HOST + ":" + redisPort;
    }

    private void stopWhenGone(long pid) {
        Runnable stop = () -> {
            out.println("process " + pid + " is gone: stopping");
            System.exit(0);
        };
        ProcessHandle.of(pid).ifPresentOrElse(process -> process.onExit().thenRun(stop), stop);
    }

    /** Stops what is running, newest first; safe to call twice (the libraries' own hooks call it too). */
    private synchronized void stopAll() {
        if (running.isEmpty()) {
            return;
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("local-services: stopping failed: " + e);
            }
        }
        running.clear();
        out.println("local-services stopped");
    }
}
