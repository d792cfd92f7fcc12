package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.cli.GeokvCommand;
import io.geokv.testing.FreePorts;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import picocli.CommandLine;

/** {@code geokv load}: a JSON-lines file through {@code POST /kv/_batch} (docs/cli.md). */
class BulkLoadIT {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> DIGESTS =
            new ParameterizedTypeReference<>() {};
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final int KEYS = 100_000;

    private final TestCluster cluster = TestCluster.shared();
    private final WebTestClient client = cluster.client();

    @TempDir
    Path folder;

    @Test
    void aHundredThousandKeysFromAFileAreReadableInEveryRegion() throws Exception {
        String tenant = "bulk";
        Path file = folder.resolve("writes.jsonl");
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < KEYS; i++) {
                writer.write("{\"key\": \"item/" + i + "\", \"value\": \"value " + i + "\"}");
                writer.newLine();
            }
        }

        Run load = geokv("--tenant", tenant, "--region", "eu-west", "load", "--no-progress", file.toString());

        assertThat(load.exitCode()).as(load.err()).isZero();
        assertThat(load.out()).contains(KEYS + " writes", KEYS + " succeeded, 0 failed");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    List<Map<String, Object>> digests = client.get()
                            .uri("/admin/digest?tenant=" + tenant)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(DIGESTS)
                            .returnResult()
                            .getResponseBody();
                    assertThat(digests)
                            .extracting(digest -> digest.get("region"))
                            .containsExactlyElementsOf(REGIONS);
                    assertThat(digests).allSatisfy(digest -> assertThat(digest).containsEntry("live_records", KEYS));
                    assertThat(digests)
                            .extracting(digest -> digest.get("digest"))
                            .containsOnly(digests.get(0).get("digest"));
                });
        Random random = new Random(42);
        for (int i = 0; i < 30; i++) {
            int key = random.nextInt(KEYS);
            client.get()
                    .uri("/regions/" + REGIONS.get(i % 3) + "/kv/item/" + key)
                    .header("X-Tenant", tenant)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .isEqualTo("value " + key);
        }
    }

    @Test
    void linesThatAreNotWritesAndWritesTheGatewayRefusesFailAloneWithANonZeroExit() throws Exception {
        Path file = folder.resolve("mixed.jsonl");
        Files.writeString(file, """
                {"key": "mixed/1", "value": "one"}
                not json
                {"value": "no key"}
                {"key": "mixed/bad\\u0001key", "value": "x"}

                {"key": "mixed/2", "value": "two"}
                """);
        Path failures = folder.resolve("failures.jsonl");

        Run load =
                geokv("load", "--no-progress", "--batch-size", "2", "--failures", failures.toString(), file.toString());

        assertThat(load.exitCode()).isEqualTo(1);
        assertThat(load.out()).contains("5 writes", "2 succeeded, 3 failed");
        assertThat(load.err()).contains("3 writes failed, listed in " + failures);
        List<String> failed = Files.readAllLines(failures);
        assertThat(failed).hasSize(3);
        assertThat(failed.get(0)).contains("\"line\":2", "\"type\":\"invalid-line\"");
        assertThat(failed.get(1)).contains("\"line\":3", "\"type\":\"invalid-line\"");
        assertThat(failed.get(2)).contains("\"line\":4", "\"status\":400", "\"type\":\"invalid-key\"");
        client.get().uri("/kv/mixed/2").exchange().expectStatus().isOk();
    }

    @Test
    void anUnreachableGatewayIsOneLineAndExitCode1() throws Exception {
        Path file = folder.resolve("one.jsonl");
        Files.writeString(file, "{\"key\": \"k\", \"value\": \"v\"}\n");

        Run load = geokv("--url", "http://127.0.0.1:" + FreePorts.take(), "load", "--no-progress", file.toString());

        assertThat(load.exitCode()).isEqualTo(1);
        assertThat(load.err().strip())
                .startsWith("geokv: cannot reach the gateway at")
                .doesNotContain("\n");
    }

    private record Run(int exitCode, String out, String err) {}

    private Run geokv(String... args) {
        String[] withUrl = args[0].equals("--url")
                ? args
                : concat(new String[] {"--url", "http://127.0.0.1:" + cluster.port()}, args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = GeokvCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(withUrl);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
