package io.geokv.testing;

import java.util.Map;

/**
 * MirrorMaker 2 settings for the tests, on top of geokv's mirror flows and the one-broker clusters'
 * replication factors ({@code MirrorFlows.replicationFactor(1)}).
 */
public final class TestMirror {

    private TestMirror() {}

    /** Topics and heartbeats looked at every second. */
    public static Map<String, String> settings() {
        return Map.of("refresh.topics.interval.seconds", "1", "emit.heartbeats.interval.seconds", "1");
    }
}
