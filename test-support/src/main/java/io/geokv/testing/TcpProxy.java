package io.geokv.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local TCP forwarder whose link can be cut and restored, to take a real server "down" for one
 * client without touching the server (which other tests share). While cut it keeps its port (so no
 * other socket can take it and the restore always works) but closes every connection at once.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptLoop();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Closes every connection; new ones are closed as soon as they are accepted, until {@link #restore()}. */
    public synchronized void cut() throws IOException {
        cut = true;
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /** Forwards new connections again. */
    public synchronized void restore() {
        cut = false;
    }

    @Override
    public void close() throws IOException {
        cut();
        listener.close();
    }

    private void acceptLoop() {
        Thread t = new Thread(
                () -> {
                    while (!listener.isClosed()) {
                        try {
                            Socket client = listener.accept();
                            synchronized (this) {
                                if (cut) {
                                    client.close();
                                    continue;
                                }
                                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                                sockets.add(client);
                                sockets.add(upstream);
                                pump(client, upstream);
                                pump(upstream, client);
                            }
                        } catch (IOException e) {
                            // listener closed, or the target refused: this connection is dropped
                        }
                    }
                },
                "tcp-proxy-accept-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // either side closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
