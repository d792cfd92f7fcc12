package io.geokv.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.routing.RegionRouter;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.MediaType;

/**
 * Malformed HTTP from a fixed seed: whatever a client sends, the gateway answers 4xx (with an
 * {@code application/problem+json} body when it has one) or closes the connection; never 5xx.
 * Requests go over raw sockets ({@link RawHttp}) because HTTP client libraries refuse to send most
 * of them. A failure names the seed and the request; rerun with {@code -Dgeokv.fuzz.seed=<seed>}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpFuzzIT {

    private static final long SEED = Long.getLong("geokv.fuzz.seed", 20261202L);
    private static final int REQUESTS = 1000;
    private static final int RANDOM_GARBAGE = 100;

    private static final TestCluster CLUSTER = TestCluster.shared();
    private static final ClientTokens TOKENS = CLUSTER.gateway().getBean(ClientTokens.class);
    private static final RawHttp HTTP = new RawHttp(CLUSTER.port());
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as sent: its bytes (ISO-8859-1 strings carry raw bytes) and whether to half-close. */
    private record Sent(String text, byte[] body, boolean halfClose) {

        byte[] bytes() {
            byte[] head = text.getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        @Override
        public String toString() {
            return RawHttp.printable(text)
                    + (body.length == 0
                            ? ""
                            : " + body " + RawHttp.printable(new String(body, StandardCharsets.ISO_8859_1)));
        }
    }

    @Test
    @Order(1)
    void malformedRequestsNeverGetAServerError() throws IOException {
        System.out.println("HttpFuzzIT seed " + SEED);
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        long slowestNanos = 0;
        Sent slowest = null;
        for (int i = 0; i < REQUESTS; i++) {
            Sent sent = request(random, i);
            long sentAt = System.nanoTime();
            RawHttp.Response response = HTTP.exchange(sent.bytes(), false);
            if (System.nanoTime() - sentAt > slowestNanos) {
                slowestNanos = System.nanoTime() - sentAt;
                slowest = sent;
            }
            statuses.merge(response.status(), 1, Integer::sum);
            check(i, sent, response, false).ifPresent(failures::add);
        }
        System.out.printf(
                "HttpFuzzIT: %d requests in %d ms, answers by status (0: closed) %s; slowest (%d ms): %s%n",
                REQUESTS, (System.nanoTime() - started) / 1_000_000, statuses, slowestNanos / 1_000_000, slowest);
        assertThat(failures)
                .as("seed %d: requests answered wrongly (%d)", SEED, failures.size())
                .isEmpty();
    }

    @Test
    @Order(2)
    void rawGarbageGetsAClientErrorOrAClosedConnection() throws IOException {
        Random random = new Random(SEED + 1);
        List<Sent> garbage = new ArrayList<>(garbage());
        for (int i = 0; i < RANDOM_GARBAGE; i++) {
            byte[] bytes = new byte[1 + random.nextInt(600)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                // Starting like a request line gets the bytes past the first checks.
                byte[] start = "GET /kv/".getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(start, 0, bytes, 0, Math.min(start.length, bytes.length));
            }
            garbage.add(new Sent(new String(bytes, StandardCharsets.ISO_8859_1), new byte[0], true));
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < garbage.size(); i++) {
            check(
                            i,
                            garbage.get(i),
                            HTTP.exchange(garbage.get(i).bytes(), garbage.get(i).halfClose()),
                            true)
                    .ifPresent(failures::add);
        }
        assertThat(failures)
                .as("seed %d: garbage answered wrongly (%d)", SEED, failures.size())
                .isEmpty();
    }

    /**
     * Without the half-close of the garbage above, whose answer races the server noticing the closed
     * input: a version the gateway does not serve gets a 400 problem in a status line a client can
     * read, never one in the request's own version.
     */
    @Test
    @Order(3)
    void anUnservedHttpVersionGetsABadRequestOnHttp11() throws IOException {
        for (String version : List.of("HTTP/9.9", "HTTP/2.0", "HTTP/0.9", "HTTP/1.2")) {
            byte[] request =
                    ("GET /kv/x " + version + "\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Response response = HTTP.exchange(request, false);
            assertThat(response.status()).as("%s: %s", version, response).isEqualTo(400);
            assertThat(isProblem(response)).as("%s: %s", version, response).isTrue();
            assertThat(hasDetail(response)).as("%s: %s", version, response).isTrue();
        }
    }

    @Test
    @Order(4)
    void aGoodWriteIsStillReadableInEveryRegion() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String key = "fuzz-good-" + UUID.randomUUID();
        URI base = URI.create("http://127.0.0.1:" + CLUSTER.port() + "/kv/" + key);
        HttpResponse<String> written = client.send(
                HttpRequest.newBuilder(base)
                        .header("X-Region", "us-east")
                        .PUT(HttpRequest.BodyPublishers.ofString("survived"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        for (String region : List.of("eu-west", "asia-pac")) {
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> {
                        HttpResponse<String> read = client.send(
                                HttpRequest.newBuilder(base)
                                        .header("X-Region", region)
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(read.statusCode())
                                .as("%s: %s", region, read.body())
                                .isEqualTo(200);
                        assertThat(read.body()).isEqualTo("survived");
                    });
        }
    }

    /** Why an answer is wrong, if it is. */
    private static Optional<String> check(int index, Sent sent, RawHttp.Response response, boolean garbage) {
        String wrong = null;
        if (response.status() >= 500) {
            wrong = "a server error";
        } else if (garbage && !response.closed() && response.status() < 400) {
            wrong = "garbage accepted";
        } else if (response.status() >= 400 && response.hasBody() && !isProblem(response)) {
            wrong = "an error body that is not application/problem+json";
        } else if (response.status() >= 400 && response.hasBody() && !hasDetail(response)) {
            wrong = "a problem without a detail";
        }
        return Optional.ofNullable(wrong)
                .map(reason -> "#" + index + " (seed " + SEED + ") got " + reason + "\n  request:  " + sent
                        + "\n  response: " + response);
    }

    private static boolean hasDetail(RawHttp.Response response) {
        try {
            JsonNode detail = JSON.readTree(response.body()).get("detail");
            return detail != null && detail.isTextual() && !detail.asText().isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isProblem(RawHttp.Response response) {
        String type = response.header("Content-Type");
        try {
            return type != null && MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(MediaType.parseMediaType(type));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // --- well-framed requests with malformed parts -------------------------------------------------

    private static final String[] ENDPOINTS = {
        "PUT /kv/{k}",
        "GET /kv/{k}",
        "DELETE /kv/{k}",
        "POST /write",
        "GET /read/{k}",
        "GET /regions/{r}/kv/{k}",
        "PUT /regions/{r}/kv/{k}",
        "DELETE /regions/{r}/kv/{k}",
        "GET /stats",
        "GET /health",
        "GET /health/regions",
        "GET /admin/regions",
        "GET /admin/replication-lag",
        "GET /bench/ping",
        "GET /dashboard",
        "GET /actuator/health",
        "GET /no/such/path"
    };
    private static final String[] METHODS = {
        "PATCH", "OPTIONS", "HEAD", "TRACE", "get", "FOO", "M-SEARCH", "PROPFIND", "PUT", "POST", "DELETE", "GET"
    };

    private static Sent request(Random random, int index) {
        String[] endpoint = pick(random, ENDPOINTS).split(" ");
        String method = random.nextInt(100) < 85 ? endpoint[0] : pick(random, METHODS);
        String target = endpoint[1].replace("{k}", key(random, index)).replace("{r}", region(random));
        if (random.nextInt(100) < 25) {
            target += "?" + pick(random, QUERIES).get();
        }
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(CLUSTER.port())
                .append("\r\n");
        int headers = random.nextInt(6);
        for (int i = 0; i < headers; i++) {
            String[] header = pick(random, HEADERS).get().split(":", 2);
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        byte[] body = new byte[0];
        boolean withBody = method.equals("PUT") || method.equals("POST") || random.nextInt(100) < 10;
        if (withBody) {
            Body generated = pick(random, BODIES).apply(random, index);
            body = generated.bytes();
            if (generated.contentType() != null) {
                head.append("Content-Type: ").append(generated.contentType()).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return new Sent(head.toString(), body, false);
    }

    /** The {@code {*key}} part of a path: usually fine, often not. */
    private static String key(Random random, int index) {
        String own = "fuzz-" + RUN + "-" + index;
        return switch (random.nextInt(20)) {
            case 0 -> own + "%zz";
            case 1 -> "%" + own;
            case 2 -> own + "%0";
            case 3 -> own + "%00";
            case 4 -> own + "%C0%AF";
            case 5 -> "%FF%FE" + own;
            case 6 -> "../../" + own;
            case 7 -> own + "/./../%2e%2e/x";
            case 8 -> latin1(own + "-ключ-日本-\uD83D\uDE00");
            case 9 -> own + "-" + "k".repeat(500 + random.nextInt(9000));
            case 10 -> own + "//a///b";
            case 11 -> own + ";jsessionid=x;a=b";
            case 12 -> own + "%u0041%2F%5C";
            case 13 -> own + "\\..\\x";
            case 14 -> latin1(own + "\u00e9") + "\u00ff";
            case 15 -> own + "#fragment";
            default -> own;
        };
    }

    private static String region(Random random) {
        return pick(random, new String[] {"us-east", "eu-west", "asia-pac", "mars", "US-EAST", "%zz", "..", "a%00"});
    }

    private static final List<Supplier<String>> QUERIES = List.of(
            () -> "a=%zz",
            () -> "=&&=",
            () -> "x=1&x=2",
            () -> "%00=%00",
            () -> "q=" + "q".repeat(3000),
            () -> "consistency=strong",
            () -> "a[b]=c",
            () -> "%",
            () -> "+%2B+",
            () -> latin1("ключ=日本"));

    private static final List<Supplier<String>> HEADERS = headers();

    private static List<Supplier<String>> headers() {
        String context = TOKENS.context(VersionVector.empty(), "default", "k");
        String session = TOKENS.session(SessionPositions.empty(), "default");
        List<Supplier<String>> headers = new ArrayList<>();
        for (String accept : new String[] {
            "application/json;q=abc",
            "application/json;q=2",
            "*/*;q=-1",
            "foo",
            "",
            ";",
            "*/",
            "application/json, text/*;q=0.5",
            "text/plain;charset=ebcdic",
            "application/json;charset=\"",
            "application/json;" + "a=b;".repeat(300),
            "application/problem+json",
            "image/png",
            "\u00ff/\u00fe",
            "*/*",
            "application/json;q=0.0",
            "application/*+json",
            ",,,",
            "text/html;level=1;q=0.7"
        }) {
            headers.add(() -> "Accept:" + accept);
        }
        for (String type : new String[] {
            "foo",
            "application/json; charset=ebcdic",
            "application/json; charset=UTF-16",
            "text/plain; charset=iso-8859-1",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "application/x-www-form-urlencoded",
            "application/json;charset=utf-8;charset=latin1",
            "",
            "application/octet-stream",
            "/",
            "application/json;charset=\"utf-8",
            "*/*",
            "text/*"
        }) {
            headers.add(() -> "Content-Type:" + type);
        }
        for (String level :
                new String[] {"strong", "eventual", "session", "STRONG", "", "psychic", "\u00ff", "s".repeat(2000)}) {
            headers.add(() -> "X-Consistency:" + level);
        }
        for (String region : new String[] {"us-east", "eu-west", "asia-pac", "mars", "", "us-east,eu-west", "../etc"}) {
            headers.add(() -> "X-Region:" + region);
        }
        for (String tenant : new String[] {"default", "", "Not A Tenant!", "a/b", "t".repeat(300), "%00", "\u00e9"}) {
            headers.add(() -> "X-Tenant:" + tenant);
        }
        for (String token : new String[] {
            context,
            session,
            "%%",
            "",
            "a.b.c",
            context + "x",
            context.substring(1),
            "A".repeat(5000),
            "....",
            "\u00ff\u00fe"
        }) {
            headers.add(() -> "X-Context:" + token);
            headers.add(() -> "X-Session:" + token);
            headers.add(() -> "If-Match:" + token);
            headers.add(() -> "If-Match:\"" + token + "\"");
        }
        headers.add(() -> "If-Match:*");
        headers.add(() -> "If-Match:W/\"x\"");
        headers.add(() -> "If-Match:\"");
        for (String country : RegionRouter.COUNTRY_HEADERS) {
            for (String code :
                    new String[] {"US", "DE", "JP", "ZZ", "", "xx", "U", "\u00ff\u00ff", "1234", "EU", "C".repeat(999)
                    }) {
                headers.add(() -> country + ":" + code);
            }
        }
        for (String forwarded : new String[] {
            "X-Forwarded-For:1.2.3.4",
            "X-Forwarded-For:not-an-ip",
            "X-Forwarded-For:999.999.1.1, ::1",
            "X-Forwarded-For:",
            "Forwarded:for=\"[::1\"",
            "Forwarded:proto=gopher;host=%zz",
            "Forwarded:for=1.2.3.4;by=;;",
            "X-Forwarded-Host:[::1",
            "X-Forwarded-Port:99999999",
            "X-Forwarded-Proto:\u00ff",
            "X-Forwarded-Prefix:/../%zz"
        }) {
            headers.add(() -> forwarded);
        }
        headers.add(() -> "X-Huge:" + "h".repeat(9000));
        headers.add(() -> "X-Huge:" + "h".repeat(40_000));
        headers.add(() -> "Accept-Charset:ebcdic");
        headers.add(() -> "Accept-Encoding:gzip;q=abc, br");
        headers.add(() -> "Accept-Language:\u00ff;q=x");
        headers.add(() -> "Range:bytes=99-1");
        headers.add(() -> "If-None-Match:\"");
        headers.add(() -> "If-Modified-Since:yesterday");
        headers.add(() -> "Origin:null");
        headers.add(() -> "Cookie:=;;=\u00ff");
        headers.add(() -> "X-Weird\u00ff:value");
        return headers;
    }

    private record Body(String contentType, byte[] bytes) {}

    @FunctionalInterface
    private interface BodyMaker {
        Body apply(Random random, int index);
    }

    private static final List<BodyMaker> BODIES = List.of(
            (random, i) -> {
                byte[] bytes = new byte[random.nextInt(2000)];
                random.nextBytes(bytes);
                return new Body(null, bytes);
            },
            (random, i) -> {
                String json = json(i);
                return new Body("application/json", utf8(json.substring(0, random.nextInt(json.length()))));
            },
            (random, i) -> {
                int depth = 500 + random.nextInt(5000);
                return new Body("application/json", utf8("[".repeat(depth) + "]".repeat(depth)));
            },
            (random, i) -> {
                int depth = 500 + random.nextInt(3000);
                return new Body("application/json", utf8("{\"key\":".repeat(depth) + "1" + "}".repeat(depth)));
            },
            (random, i) -> new Body("application/json", utf8(pick(random, new String[] {
                "{\"key\":1,\"value\":[]}",
                "{\"key\":null,\"value\":\"v\"}",
                "null",
                "\"str\"",
                "{}",
                "[]",
                "1e999999",
                "{\"key\":\"\",\"value\":\"\"}",
                "{\"key\":\"a\u0007b\",\"value\":\"v\"}",
                "{\"key\":\"k\",\"key\":\"k2\",\"value\":\"v\"}",
                "{\"key\":\"k\",\"value\":\"\\ud800\"}",
                "{\"key\":\"k\",\"value\":\"v\",\"extra\":{\"a\":[1,2,{}]}}"
            }))),
            (random, i) -> new Body(
                    pick(random, new String[] {
                        "application/json;charset=UTF-16",
                        "application/json;charset=UTF-32",
                        "application/json;charset=ISO-8859-1",
                        "application/json;charset=UTF-16LE",
                        "application/json;charset=x-IBM1047",
                        "text/plain;charset=UTF-16"
                    }),
                    utf8(json(i))),
            (random, i) -> new Body(
                    "application/json;charset=UTF-8",
                    concat(
                            utf8("{\"key\":\"fuzz-" + RUN + "-" + i + "\",\"value\":\""),
                            new byte[] {(byte) 0xC0, (byte) 0xAF, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80},
                            utf8("\"}"))),
            (random, i) -> new Body("application/json", json(i).getBytes(Charset.forName("UTF-16"))),
            (random, i) -> new Body(null, random.nextInt(30) == 0 ? new byte[1024 * 1024 + 1] : utf8("value " + i)),
            (random, i) -> new Body("application/json", utf8(json(i))));

    private static String json(int index) {
        return "{\"key\":\"fuzz-" + RUN + "-" + index + "\",\"value\":\"v\u00e9\u65e5\"}";
    }

    // --- what no client sends ----------------------------------------------------------------------

    private static List<Sent> garbage() {
        String host = "Host: 127.0.0.1\r\n";
        List<String> raw = List.of(
                "\r\n\r\n\r\n",
                "GET\r\n\r\n",
                "GET /kv/x\r\n\r\n",
                "GET /kv/x HTTP/1.1",
                "GET /kv/x HTTP/1.1\r\n" + host,
                "GET /kv/x HTTP/9.9\r\n" + host + "\r\n",
                "GET /kv/x FOO/1.1\r\n" + host + "\r\n",
                "GET /kv/x http/1.1\r\n" + host + "\r\n",
                "GET  /kv/x  HTTP/1.1\r\n" + host + "\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "NoColonHere\r\n\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + ": no name\r\n\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "Bad Name: x\r\n\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "X-Region : us-east\r\n\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "X-Region: us-east\r\n continued\r\n\r\n",
                "GET /kv/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET /kv/x\u0000 HTTP/1.1\r\n" + host + "\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "X-Region: us\u0000east\r\n\r\n",
                "GET /kv/x HTTP/1.1\n" + host.replace("\r", "") + "\n",
                "GET /kv/%zz%00%C0%AF HTTP/1.1\r\n" + host + "\r\n",
                "GET /kv/x y z HTTP/1.1\r\n" + host + "\r\n",
                "GET /kv/" + "x".repeat(70_000) + " HTTP/1.1\r\n" + host + "\r\n",
                "GET /kv/x HTTP/1.1\r\n" + host + "X-Many: h\r\n".repeat(3000) + "\r\n",
                "GET http://[::1/kv/x HTTP/1.1\r\n" + host + "\r\n",
                "GET http://evil.example/kv/x HTTP/1.1\r\n" + host + "\r\n",
                "GET * HTTP/1.1\r\n" + host + "\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3;\u0000ext\r\nabc\r\n0\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Transfer-Encoding: bogus\r\n\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999999\r\n\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: 9223372036854775807\r\n\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\nabc",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
                "PUT /kv/x HTTP/1.1\r\n" + host
                        + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Content-Length: 10\r\n\r\nabc",
                "POST /write HTTP/1.1\r\n" + host
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"key\":",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n",
                "PUT /kv/x HTTP/1.1\r\n" + host + "Expect: 999-nonsense\r\nContent-Length: 1\r\n\r\nx");
        return raw.stream().map(text -> new Sent(text, new byte[0], true)).toList();
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static <T> T pick(Random random, T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static <T> T pick(Random random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A string's UTF-8 bytes as an ISO-8859-1 string, so that they go on the wire unchanged. */
    private static String latin1(String text) {
        return new String(utf8(text), StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
