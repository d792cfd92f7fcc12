package io.geokv.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what the tests started when the test JVM exits, newest first: applications before the
 * broker they talk to. Separate shutdown hooks would run concurrently, and applications whose
 * broker is already gone wait out their close timeouts.
 */
public final class TestShutdown {

    private static final Deque<AutoCloseable> RESOURCES = new ArrayDeque<>();
    private static boolean hooked;

    private TestShutdown() {}

    public static synchronized void register(AutoCloseable resource) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestShutdown::closeAll, "test-shutdown"));
            hooked = true;
        }
        RESOURCES.push(resource);
    }

    private static synchronized void closeAll() {
        while (!RESOURCES.isEmpty()) {
            try {
                RESOURCES.pop().close();
            } catch (Exception e) {
                System.err.println("test shutdown: " + e);
            }
        }
    }
}
