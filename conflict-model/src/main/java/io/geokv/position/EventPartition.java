package io.geokv.position;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One partition of an event topic: the coordinate every position of the log is given in (a session
 * token, a region's applied offsets, a strong write's wait, replay completion, lag).
 */
public record EventPartition(String topic, int partition) implements Comparable<EventPartition> {

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public EventPartition {
        if (!TOPIC.matcher(Objects.requireNonNull(topic, "topic")).matches()) {
            throw new IllegalArgumentException("not a Kafka topic name: '" + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
    }

    @Override
    public int compareTo(EventPartition o) {
        int byTopic = topic.compareTo(o.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
