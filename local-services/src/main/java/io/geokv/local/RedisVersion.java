package io.geokv.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The version a Redis server reports ({@code INFO server}), asked over plain RESP. */
final class RedisVersion {

    private static final int TIMEOUT_MILLIS = 5000;
    private static final String FIELD = "redis_version:";

    private RedisVersion() {}

    static String of(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream request = socket.getOutputStream();
            request.write("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n".getBytes(StandardCharsets.US_ASCII));
            request.flush();
            BufferedReader reply =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String header = reply.readLine();
            if (header == null || !header.startsWith("$")) {
                throw new IOException("Redis on " + host + ":" + port + " answered INFO with " + header);
            }
            for (String line = reply.readLine(); line != null && !line.isEmpty(); line = reply.readLine()) {
                if (line.startsWith(FIELD)) {
                    return line.substring(FIELD.length()).strip();
                }
            }
            throw new IOException("Redis on " + host + ":" + port + " did not report its version");
        }
    }
}
