package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.geokv.access.ApiKeys;
import io.geokv.gateway.GatewayApplication;
import io.geokv.store.cache.StateCache;
import io.geokv.testing.FreePorts;
import io.geokv.testing.TestReplication;
import io.geokv.testing.TestShutdown;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.Http11SslContextSpec;

/**
 * TLS at both ends of the gateway: it serves HTTPS with a Spring Boot SSL bundle, and reads through a
 * region's Redis over TLS ({@code rediss://}) checked against a configured CA certificate. The
 * certificate is made for the test by the JDK's keytool.
 */
class TlsIT {

    private static final String ADMIN = ApiKeys.generate("ops");
    private static final String PASSWORD = "test-only";

    @TempDir
    static Path folder;

    private static Process redis;
    private static int redisPort;
    private static ConfigurableApplicationContext gateway;
    private static WebTestClient https;
    private static int port;

    @BeforeAll
    static void startAGatewayWithTlsOnBothSides() throws Exception {
        TestCluster.shared();
        Path keystore = folder.resolve("tls.p12");
        run(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "geokv",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = store.getCertificate("geokv");
        Path certificateFile = folder.resolve("tls.crt");
        Path keyFile = folder.resolve("tls.key");
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(
                keyFile,
                pem("PRIVATE KEY", store.getKey("geokv", PASSWORD.toCharArray()).getEncoded()));

        redisPort = FreePorts.take();
        redis = new ProcessBuilder(List.of(
                        "redis-server",
                        "--port",
                        "0",
                        "--tls-port",
                        Integer.toString(redisPort),
                        "--bind",
                        "127.0.0.1",
                        "--tls-cert-file",
                        certificateFile.toString(),
                        "--tls-key-file",
                        keyFile.toString(),
                        "--tls-ca-cert-file",
                        certificateFile.toString(),
                        "--tls-auth-clients",
                        "no",
                        "--save",
                        "",
                        "--appendonly",
                        "no"))
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("redis.log").toFile())
                .start();
        TestShutdown.register(redis::destroy);

        Map<String, Object> properties = TestCluster.extraGatewayProperties();
        properties.keySet().removeIf(name -> name.startsWith("geokv.security.anonymous"));
        properties.put("geokv.security.api-keys[0].id", "ops");
        properties.put("geokv.security.api-keys[0].sha256", ApiKeys.hash(ADMIN));
        properties.put("geokv.security.api-keys[0].roles[0]", "admin");
        properties.put("geokv.security.api-keys[0].tenants[0]", "*");
        properties.put("server.ssl.bundle", "gateway");
        properties.put("spring.ssl.bundle.pem.gateway.keystore.certificate", "file:" + certificateFile);
        properties.put("spring.ssl.bundle.pem.gateway.keystore.private-key", "file:" + keyFile);
        properties.put("geokv.regions[0].redis.uri", "rediss://127.0.0.1:" + redisPort + "/0");
        properties.put("geokv.regions[0].redis.trusted-certificates", certificateFile.toString());
        gateway = GatewayApplication.builder().registerShutdownHook(false).run(TestReplication.asArguments(properties));
        // Left to the JVM's end: closing a second WebFlux context would stop the shared gateway's loops.
        TestShutdown.register(gateway::close);
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        https = WebTestClient.bindToServer(new ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create()
                        .secure(ssl -> ssl.sslContext(Http11SslContextSpec.forClient()
                                .configure(builder -> builder.trustManager(certificateFile.toFile()))))))
                .baseUrl("https://localhost:" + port)
                .defaultHeader("Authorization", "Bearer " + ADMIN)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void retireIt() {
        TestCluster.retire(gateway);
    }

    @Test
    void theGatewayServesHttpsAndNotPlainHttp() {
        https.get()
                .uri("/kv/tls-" + UUID.randomUUID())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .valueEquals("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains");

        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/kv/k"))
                .header("Authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(5))
                .build();
        assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP to the HTTPS port")
                .isInstanceOf(IOException.class);
    }

    @Test
    void readsFillARegionsCacheOverTls() {
        String key = "tls-" + UUID.randomUUID();
        https.put()
                .uri("/kv/" + key)
                .header("X-Region", "us-east")
                .bodyValue("secret")
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> https.get()
                        .uri("/kv/" + key)
                        .header("X-Region", "us-east")
                        .exchange()
                        .expectStatus()
                        .isOk());

        RedisURI uri = RedisURI.create("rediss://127.0.0.1:" + redisPort + "/0");
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder()
                        .trustManager(folder.resolve("tls.crt").toFile())
                        .build())
                .build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(connection.sync().exists(StateCache.cacheKey("default", key)))
                            .as("the read filled us-east's Redis, which speaks only TLS")
                            .isEqualTo(1L));
        } finally {
            client.shutdown();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor())
                .as(String.join(" ", command) + ": " + output)
                .isZero();
    }
}
