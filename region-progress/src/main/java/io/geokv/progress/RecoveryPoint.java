package io.geokv.progress;

import java.time.Instant;

/**
 * What losing origin {@code origin}'s Kafka cluster for good costs: its events that no other region's
 * cluster holds a copy of (MirrorMaker 2 had not carried them to any region yet), in the multi
 * topology, where every region's cluster holds a copy of every other region's events.
 *
 * <p>While the origin's cluster answers, this is what its loss would cost now. Once it stops
 * answering, the figures stay those of the moment of loss: the events it had are those it last
 * reported, joined with every write this process saw acknowledged since (so that a write
 * acknowledged just before the loss counts), and no other region's copy can grow any more.
 *
 * @param reachable whether the origin's cluster answered the latest measurement
 * @param asOf when the origin's cluster last answered
 * @param unmirroredRecords events of the origin that no other region's cluster holds
 * @param unmirroredSeconds while the origin's cluster answers, how old the oldest of them is; after its
 *     loss, the most of that age when it last answered and the time between the oldest of them and the
 *     newest write this process saw acknowledged there (the span of writes lost); 0 when there are none
 */
public record RecoveryPoint(
        String origin, boolean reachable, Instant asOf, long unmirroredRecords, double unmirroredSeconds) {}
