package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, the way a new user meets it on a machine with only a JDK and Maven:
 * {@code scripts/run-local.sh} finds nothing on its PostgreSQL and Redis ports, says so and starts
 * embedded ones there, then the broker and both applications from their exec jars, and prints
 * its URL; a value written in us-east is served in asia-pac within 2 seconds, from the embedded
 * stores; SIGTERM stops everything the script started and frees every port it used.
 *
 * <p>The script runs as a child process with free ports for everything (PostgreSQL and Redis
 * included, so the machine's own never answer there) and a temporary state folder, so it never
 * meets a run-local that is already running on this machine, nor the other tests' data. It never
 * builds: the exec jars come from the {@code package} phase of replication-streams, api-gateway
 * and local-services. The other choice, the stores that answer being used, is checked on the
 * machine's PostgreSQL and Redis without starting anything.
 */
class RunLocalIT {

    private static final String DATABASE_PREFIX = "geokv_smoke_";
    /** Not the apps' default, so that passing it on to the apps is checked too. */
    private static final int REDIS_FIRST_DATABASE = 4;

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(2);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(90);

    private static final Path LOG =
            Path.of("target", "child-logs", "run-local.log").toAbsolutePath();
    private static final Path KEPT_STATE_LOGS =
            Path.of("target", "child-logs", "run-local-state").toAbsolutePath();

    private static Process runLocal;
    private static Path stateDir;
    /** Every process run-local had started when it was ready (the broker, both apps, ...). */
    private static List<ProcessHandle> started = List.of();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void runLocalOnABareMachineServesAWriteInEveryRegionAndStopsOnSigterm() throws Exception {
        Path root = repositoryRoot();
        requireExecJars(root);
        int[] ports = freePorts(6);
        int gatewayPort = ports[0];
        int streamsPort = ports[1];
        int kafkaPort = ports[2];
        int controllerPort = ports[3];
        int postgresPort = ports[4];
        int redisPort = ports[5];
        stateDir = Files.createTempDirectory("geokv-run-local-it-");

        // ---- run-local prints the URL
        Files.createDirectories(LOG.getParent());
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/run-local.sh")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile());
        builder.environment().put("GEOKV_LOCAL_STATE", stateDir.toString());
        builder.environment().put("GEOKV_GATEWAY_PORT", Integer.toString(gatewayPort));
        builder.environment().put("GEOKV_STREAMS_PORT", Integer.toString(streamsPort));
        builder.environment().put("GEOKV_KAFKA_PORT", Integer.toString(kafkaPort));
        builder.environment().put("GEOKV_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
        builder.environment().put("GEOKV_POSTGRES_PORT", Integer.toString(postgresPort));
        builder.environment().put("GEOKV_REDIS_PORT", Integer.toString(redisPort));
        builder.environment().put("GEOKV_DATABASE_PREFIX", DATABASE_PREFIX);
        builder.environment().put("GEOKV_REDIS_FIRST_DATABASE", Integer.toString(REDIS_FIRST_DATABASE));
        runLocal = builder.start();
        runLocal.getOutputStream().close();
        Runtime.getRuntime().addShutdownHook(new Thread(RunLocalIT::killEverything, "run-local-it-cleanup"));

        String baseUrl = "http://localhost:" + gatewayPort;
        String readyLine = "geokv is ready: " + baseUrl;
        try {
            await("run-local to print '" + readyLine + "'")
                    .atMost(START_DEADLINE)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        List<String> lines = runLocalLog().lines().toList();
                        if (lines.stream().anyMatch(line -> line.contains("building geokv"))) {
                            throw new IllegalStateException(
                                    "run-local started a Maven build: the exec jars were missing or stale");
                        }
                        if (lines.stream().anyMatch(line -> line.strip().equals(readyLine))) {
                            return true;
                        }
                        if (!runLocal.isAlive()) {
                            throw new IllegalStateException("run-local exited with code " + runLocal.exitValue()
                                    + " before printing '" + readyLine + "'");
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            fail(e.getMessage() + diagnostics(), e);
        }
        started = runLocal.descendants().toList();

        // ---- it said which stores it started, once each
        List<String> lines = runLocalLog().lines().toList();
        assertThat(lines)
                .as("run-local's log%s", diagnostics())
                .filteredOn(line -> line.endsWith("] nothing answers on 127.0.0.1:" + postgresPort
                        + ": starting an embedded PostgreSQL there (data in " + stateDir + "/postgres)"))
                .hasSize(1);
        assertThat(lines)
                .as("run-local's log%s", diagnostics())
                .filteredOn(line -> line.endsWith("] nothing answers on 127.0.0.1:" + redisPort
                        + ": starting an embedded Redis there (a cache: nothing is kept)"))
                .hasSize(1);
        assertThat(lines)
                .as("run-local's log%s", diagnostics())
                .anyMatch(line -> line.contains("] embedded PostgreSQL 16.")
                        && line.contains(" on 127.0.0.1:" + postgresPort)
                        && line.contains("Redis ")
                        && line.endsWith(" on 127.0.0.1:" + redisPort));

        // ---- without the key run-local made, nothing but the probes answers
        String key = "hello-" + UUID.randomUUID();
        URI uri = URI.create(baseUrl + "/kv/" + key);
        assertThat(http.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(15))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("GET without a credential%s", diagnostics())
                .isEqualTo(401);
        String apiKey = Files.readString(stateDir.resolve("api-key")).strip();
        assertThat(runLocalLog()).as("run-local prints the key it made").contains(apiKey);
        String bearer = "Bearer " + apiKey;

        // ---- write in us-east
        // What curl -X PUT ... -d world sends.
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", bearer)
                        .header("X-Region", "us-east")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .timeout(Duration.ofSeconds(15))
                        .PUT(HttpRequest.BodyPublishers.ofString("world"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode())
                .as("PUT %s in us-east answered %s: %s%s", uri, put.statusCode(), put.body(), diagnostics())
                .isEqualTo(200);

        // ---- read it in asia-pac within 2 seconds
        HttpRequest get = HttpRequest.newBuilder(uri)
                .header("Authorization", bearer)
                .header("X-Region", "asia-pac")
                .timeout(REPLICATION_DEADLINE)
                .GET()
                .build();
        AtomicReference<HttpResponse<String>> lastGet = new AtomicReference<>();
        AtomicReference<Exception> lastError = new AtomicReference<>();
        try {
            await("GET " + uri + " in asia-pac to answer 'world'")
                    .atMost(REPLICATION_DEADLINE)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        HttpResponse<String> response;
                        try {
                            response = http.send(get, HttpResponse.BodyHandlers.ofString());
                        } catch (IOException e) {
                            lastError.set(e);
                            return false;
                        }
                        lastGet.set(response);
                        return response.statusCode() == 200
                                && "world".equals(response.body())
                                && response.headers()
                                        .firstValue("X-Region")
                                        .filter("asia-pac"::equals)
                                        .isPresent();
                    });
        } catch (ConditionTimeoutException e) {
            HttpResponse<String> last = lastGet.get();
            fail(
                    "asia-pac did not serve the value written in us-east within " + REPLICATION_DEADLINE.toMillis()
                            + " ms; "
                            + (last == null
                                    ? "no answer (" + lastError.get() + ")"
                                    : "last answer " + last.statusCode() + " "
                                            + last.headers().map() + ": " + last.body())
                            + diagnostics(),
                    e);
        }

        // ---- the apps used the embedded stores: the regions' databases and caches are there
        for (String region : REGIONS) {
            String database = DATABASE_PREFIX + region.replace('-', '_');
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database, "postgres", "")) {
                assertThat(connection.isValid(2))
                        .as("database %s on the embedded PostgreSQL", database)
                        .isTrue();
            }
        }
        int asiaPacCache = REDIS_FIRST_DATABASE + REGIONS.indexOf("asia-pac");
        await("asia-pac's cache (Redis database " + asiaPacCache + " of the embedded Redis) to hold the key")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> redisKeys(redisPort, asiaPacCache) > 0);

        // ---- SIGTERM stops everything
        runLocal.destroy();
        if (!runLocal.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            fail("run-local did not exit within " + STOP_DEADLINE.toSeconds() + " s of SIGTERM" + diagnostics());
        }
        assertThat(runLocalLog().lines().map(String::strip))
                .as("run-local's log after SIGTERM%s", diagnostics())
                .anyMatch(line -> line.startsWith("[geokv ") && line.endsWith("] stopped"));
        for (int port : ports) {
            assertThat(listening(port))
                    .as("something still listens on 127.0.0.1:%d after run-local stopped%s", port, diagnostics())
                    .isFalse();
        }
        assertThat(stateDir.resolve("postgres").resolve("postmaster.pid"))
                .as(
                        "the embedded PostgreSQL's pid file after run-local stopped (it removes it when it stops)%s",
                        diagnostics())
                .doesNotExist();
        List<ProcessHandle> survivors = new ArrayList<>();
        try {
            await("every process run-local started to be gone")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        } catch (ConditionTimeoutException e) {
            started.stream().filter(ProcessHandle::isAlive).forEach(survivors::add);
        }
        assertThat(survivors.stream().map(RunLocalIT::describe).toList())
                .as("processes run-local started that outlived it%s", diagnostics())
                .isEmpty();
    }

    /**
     * The other branch of run-local's choice, without starting anything: where a PostgreSQL and a
     * Redis answer (this machine's, which the other integration tests use too), they are used and
     * nothing embedded is asked for.
     */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void storesThatAnswerAreUsed() throws Exception {
        Path root = repositoryRoot();
        Path state = Files.createTempDirectory("geokv-run-local-plan-");
        try {
            Process plan = new ProcessBuilder(
                            "bash",
                            "-c",
                            "source scripts/lib/local-services.sh && local_services_plan \"$1\" 5432 6379"
                                    + " && echo \"embedded: ${LOCAL_SERVICES_ARGS[*]}\"",
                            "plan",
                            state.toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            plan.getOutputStream().close();
            String output = new String(plan.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(plan.waitFor(30, TimeUnit.SECONDS))
                    .as("the plan to finish: %s", output)
                    .isTrue();
            assertThat(plan.exitValue()).as("the plan's exit code: %s", output).isZero();
            assertThat(output.lines().map(String::strip).toList())
                    .as("the plan for 127.0.0.1:5432 and 127.0.0.1:6379")
                    .anyMatch(line -> line.endsWith("] PostgreSQL answers on 127.0.0.1:5432: using it"))
                    .anyMatch(line -> line.endsWith("] Redis answers on 127.0.0.1:6379: using it"))
                    .contains("embedded:")
                    .noneMatch(line -> line.contains("embedded PostgreSQL") || line.contains("embedded Redis"));
        } finally {
            deleteRecursively(state);
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            killEverything();
        } finally {
            if (stateDir != null) {
                keepStateLogs();
                deleteRecursively(stateDir);
            }
        }
    }

    /** SIGTERM to run-local (it stops its children), then SIGKILL to whatever is left. */
    private static synchronized void killEverything() {
        if (runLocal == null) {
            return;
        }
        List<ProcessHandle> family = new ArrayList<>(started);
        runLocal.descendants().forEach(family::add);
        if (runLocal.isAlive()) {
            runLocal.destroy();
            try {
                runLocal.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runLocal.descendants().forEach(ProcessHandle::destroyForcibly);
        family.forEach(ProcessHandle::destroyForcibly);
        runLocal.destroyForcibly();
        // The embedded PostgreSQL's server is not a child of anything here (pg_ctl detaches it):
        // if it outlived a killed local-services, its pid file still names it.
        embeddedPostgresPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
    }

    private static Optional<Long> embeddedPostgresPid() {
        Path pidFile = stateDir == null ? null : stateDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (pidFile == null || !Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            return Files.readAllLines(pidFile).stream()
                    .findFirst()
                    .map(String::strip)
                    .map(Long::valueOf);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ setup

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/run-local.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no scripts/run-local.sh in " + Path.of("").toAbsolutePath() + " or above");
    }

    /** run-local would build when a jar is missing; this test wants the jars of this build instead. */
    private static void requireExecJars(Path root) throws IOException {
        String version = System.getProperty("geokv.project.version");
        for (String module : List.of("replication-streams", "api-gateway", "local-services")) {
            Path target = root.resolve(module).resolve("target");
            boolean present;
            String expected;
            if (version != null && !version.isBlank()) {
                expected = module + "/target/" + module + "-" + version + "-exec.jar";
                present = Files.isRegularFile(root.resolve(expected));
            } else {
                expected = module + "/target/" + module + "-*-exec.jar";
                try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
                    present = files.anyMatch(f -> f.getFileName().toString().endsWith("-exec.jar"));
                }
            }
            if (!present) {
                fail(expected + " is missing: scripts/run-local.sh would build it. Package the reactor first"
                        + " (mvn -DskipTests package, or run this test through mvn verify).");
            }
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long redisKeys(int port, int database) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/" + database);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().dbsize();
        } finally {
            client.shutdown();
        }
    }

    // ------------------------------------------------------------------ checks and diagnostics

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(ProcessHandle process) {
        return process.pid() + " " + process.info().commandLine().orElse("?");
    }

    private static String runLocalLog() {
        try {
            return Files.exists(LOG) ? Files.readString(LOG, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The end of run-local's output and of every log under the state folder, for failure messages. */
    private static String diagnostics() {
        StringBuilder text = new StringBuilder();
        appendTail(text, LOG, 80);
        if (stateDir != null) {
            for (Path log : stateLogs()) {
                appendTail(text, log, 60);
            }
        }
        return text.toString();
    }

    private static List<Path> stateLogs() {
        List<Path> logs = new ArrayList<>();
        for (Path dir :
                List.of(stateDir.resolve("logs"), stateDir.resolve("kafka").resolve("logs"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(Files::isRegularFile).sorted().forEach(logs::add);
                } catch (IOException e) {
                    // best effort: diagnostics must not hide the real failure
                }
            }
        }
        return logs;
    }

    private static void appendTail(StringBuilder text, Path file, int lines) {
        text.append("\n----- last ")
                .append(lines)
                .append(" lines of ")
                .append(file)
                .append(" -----\n");
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(0, length - 256 * 1024);
            byte[] bytes = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            all.subList(Math.max(0, all.size() - lines), all.size())
                    .forEach(line -> text.append(line).append('\n'));
        } catch (IOException e) {
            text.append("(unreadable: ").append(e).append(")\n");
        }
        text.append("----- end of ").append(file.getFileName()).append(" -----");
    }

    /** Copies the apps' and the broker's logs to target/child-logs before the state folder goes. */
    private static void keepStateLogs() {
        try {
            deleteRecursively(KEPT_STATE_LOGS);
            for (Path log : stateLogs()) {
                Path copy = KEPT_STATE_LOGS.resolve(stateDir.relativize(log));
                Files.createDirectories(copy.getParent());
                Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
