package io.geokv.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Closes what the tests started, newest first: applications before the broker they talk to, once the
 * JUnit launcher session ends ({@link AtSessionEnd}, registered through the service loader), or at the
 * latest when the test JVM exits. Not in a shutdown hook of its own first: the JVM runs hooks
 * concurrently, and the broker's own hook deletes its log directory, after which the broker stops
 * serving and every application closing against it waits out its close timeout (the forked test
 * JVM is then killed after 30 s).
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

    /** Closes the tests' resources when the test run is over, before the JVM exits. */
    public static final class AtSessionEnd implements LauncherSessionListener {

        @Override
        public void launcherSessionClosed(LauncherSession session) {
            closeAll();
        }
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
