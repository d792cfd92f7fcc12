package io.geokv.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** MirrorMaker 2 settings for the tests' one-broker clusters, on top of geokv's mirror flows. */
public final class TestMirror {

    private TestMirror() {}

    /** One replica of every topic MirrorMaker 2 creates, and topics and heartbeats looked at every second. */
    public static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        for (String factor : List.of(
                "replication.factor",
                "offset-syncs.topic.replication.factor",
                "heartbeats.topic.replication.factor",
                "checkpoints.topic.replication.factor",
                "config.storage.replication.factor",
                "offset.storage.replication.factor",
                "status.storage.replication.factor")) {
            settings.put(factor, "1");
        }
        settings.put("refresh.topics.interval.seconds", "1");
        settings.put("emit.heartbeats.interval.seconds", "1");
        return settings;
    }
}
