package io.geokv.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client library would send (bad percent
 * escapes, odd header bytes, lying lengths, bytes that are not HTTP at all). One request per
 * connection: the gateway's answer is whatever it writes before it closes.
 */
final class RawHttp {

    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_RESPONSE = 4 * 1024 * 1024;

    /** What came back: a status line and headers, or nothing before the connection closed. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        static final Response CLOSED = new Response(0, Map.of(), new byte[0]);

        boolean closed() {
            return status == 0;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean hasBody() {
            return body.length > 0;
        }

        @Override
        public String toString() {
            return closed()
                    ? "(connection closed, no answer)"
                    : status + " " + headers + " " + RawHttp.printable(new String(body, StandardCharsets.ISO_8859_1));
        }
    }

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /**
     * Sends the bytes and reads until the gateway closes the connection.
     *
     * @param halfClose whether to shut our side down after sending: for requests that are cut
     *     short, so that the gateway sees their end instead of waiting for the rest
     * @throws SocketTimeoutException when the gateway neither answers nor closes in time
     */
    Response exchange(byte[] request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The gateway may answer and close before it has read everything we meant to send.
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1 && out.size() < MAX_RESPONSE; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // A reset after (or instead of) the answer: keep what arrived.
        }
        return out.toByteArray();
    }

    /** The final answer; interim ones (100 Continue) are skipped. */
    private static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
            return Response.CLOSED;
        }
        int end = text.indexOf("\r\n\r\n");
        if (text.startsWith("HTTP/1.1 1") && end > 0) {
            return parse(text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
        }
        String head = end < 0 ? text : text.substring(0, end);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (!statusLine[0].startsWith("HTTP/1.") || statusLine.length < 2) {
            throw new IllegalStateException("not an HTTP response: " + printable(text));
        }
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        String body = end < 0 ? "" : text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The chunks' data, as far as it arrived. */
    private static String dechunk(String chunked) {
        StringBuilder data = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return data.toString();
            }
            int size = Integer.parseInt(
                    chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return data.toString();
            }
            int start = lineEnd + 2;
            data.append(chunked, start, Math.min(chunked.length(), start + size));
            at = start + size + 2;
        }
    }

    /** For failure messages: control bytes escaped, long runs cut. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length() && out.length() < 400; i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return raw.length() > 400 ? out + "...(" + raw.length() + " chars)" : out.toString();
    }
}
