package io.geokv.replication.apply;

/**
 * An event topic no longer has the partition count geokv is configured for. Dots are counted per
 * origin, key and partition in log order, so the records of a key written after the change can no
 * longer be merged with those before it; they are acknowledged writes, so dead-lettering them would
 * lose them. The region stops consuming instead, loudly, until an operator restores the count or
 * reconfigures and replays.
 */
public final class PartitionCountChangedException extends RuntimeException {

    PartitionCountChangedException(String topic, int actual, int configured) {
        super("topic " + topic + " has " + actual + " partitions but geokv is configured for " + configured
                + "; replication of this region stops rather than dead-letter acknowledged writes");
    }
}
