package io.geokv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Local ports for servers a test starts, and for addresses that must refuse connections. */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A local port that was free a moment ago: a server a test starts can bind it, and until one
     * does, connecting to it is refused at once.
     */
    public static int take() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
