package io.geokv.position;

import java.util.Objects;

/**
 * One partition of an event topic: the coordinate every position of the log is given in (a session
 * token, a region's applied offsets, a strong write's wait, replay completion, lag).
 */
public record EventPartition(String topic, int partition) implements Comparable<EventPartition> {

    private static final int MAX_TOPIC_LENGTH = 249;

    public EventPartition {
        if (!isTopicName(Objects.requireNonNull(topic, "topic"))) {
            throw new IllegalArgumentException("not a Kafka topic name: '" + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
    }

    /**
     * Kafka's legal topic names, {@code [a-zA-Z0-9._-]{1,249}}: a loop rather than a regular
     * expression, because a partition is named for every record a region applies.
     */
    private static boolean isTopicName(String topic) {
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                return false;
            }
        }
        return true;
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
