package io.geokv.replication.replay;

import io.geokv.naming.GeokvNames;
import io.geokv.position.LogPositions;
import io.geokv.progress.CopyEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.progress.TopicOffsets;
import io.geokv.replication.region.RegionReplication;
import io.geokv.store.postgres.RegionDigest;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one region's PostgreSQL and Redis from the event topics: stop its replication, forget its
 * Streams offsets, empty its tables and cache, start again from the beginning of every event topic,
 * and wait until every event that existed when the replay began is applied. The other regions keep running throughout.
 *
 * <p>One replay per region runs at a time (another one is refused with {@link ReplayRunningException}),
 * and whatever step fails, the region is started again before the failure is reported: from scratch
 * once its Streams offsets are gone, as it was otherwise. A replay never leaves a region stopped.
 */
public final class RegionReplayer {

    private static final Logger log = LoggerFactory.getLogger(RegionReplayer.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final RegionClusters.PerCluster<Admin> admins;
    private final RegionClusters clusters;
    private final Map<String, Object> consumerSettings;
    private final RegionProgress progress;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /** A replay of the region is already running. */
    public static final class ReplayRunningException extends RuntimeException {
        ReplayRunningException(String region) {
            super("a replay of region " + region + " is already running; wait for it to finish");
        }
    }

    /**
     * @param admins an admin client of each region's cluster
     * @param consumerBase the user's consumer settings, for reading where a region's mirrored copies end
     * @param comparedTenants the tenants every region holds: the replay's digest covers them, like the
     *     gateway's {@code /admin/digest}, so that it compares with the live regions' (data residency
     *     keeps some tenants out of some regions)
     */
    public RegionReplayer(
            RegionClusters.PerCluster<Admin> admins,
            RegionClusters clusters,
            Map<String, Object> consumerBase,
            RegionProgress progress,
            Predicate<String> comparedTenants) {
        this.admins = admins;
        this.comparedTenants = comparedTenants;
        this.clusters = clusters;
        Map<String, Object> settings = ClientSettings.peekingConsumer(consumerBase);
        // A copy's end is what a region can apply: its committed records, never an aborted one.
        ClientSettings.readCommitted(settings);
        this.consumerSettings = settings;
        this.progress = progress;
    }

    private final Predicate<String> comparedTenants;

    public record ReplayResult(String region, long eventsReplayed, long durationMs, long records, String digest) {}

    /** Whether a replay of {@code region} is running. */
    public boolean isReplaying(String region) {
        return running.contains(region);
    }

    /**
     * @throws ReplayRunningException if a replay of that region is running
     */
    public ReplayResult replay(RegionReplication replication, Duration timeout) {
        String region = replication.region();
        if (!running.add(region)) {
            throw new ReplayRunningException(region);
        }
        try {
            return rebuild(replication, timeout);
        } finally {
            running.remove(region);
        }
    }

    private ReplayResult rebuild(RegionReplication replication, Duration timeout) {
        String region = replication.region();
        Admin admin = admins.of(region);
        TopicOffsets offsets = new TopicOffsets(admin, ADMIN_TIMEOUT);
        Instant started = Instant.now();
        log.info("region {}: replay starting", region);
        boolean restarted = false;
        boolean resetBegun = false;
        try {
            if (!replication.stop()) {
                throw new IllegalStateException(
                        "region " + region + " did not stop in time; the replay was not started");
            }
            resetBegun = true;
            deleteGroup(admin, GeokvNames.streamsApplicationId(region), timeout);
            replication.store().database().truncate();
            replication.store().cache().flush();
            LogPositions target = copyEnds(region, offsets);
            replication.start(true);
            restarted = true;
            awaitApplied(region, target, Duration.between(Instant.now(), started.plus(timeout)));
            RegionDigest digest =
                    replication.store().reader().digest(comparedTenants).block(ADMIN_TIMEOUT);
            long events =
                    target.asMap().values().stream().mapToLong(Long::longValue).sum();
            long duration = Duration.between(started, Instant.now()).toMillis();
            log.info("region {}: replay caught up with {} events in {} ms", region, events, duration);
            return new ReplayResult(region, events, duration, digest.records(), digest.sha256());
        } finally {
            if (!restarted) {
                // Started from scratch once a step past the stop failed: whatever is left of its offsets,
                // state and tables, rebuilding from the topics is idempotent and loses nothing.
                log.warn(
                        "region {}: replay failed before the region was started again; starting it{}",
                        region,
                        resetBegun ? " from scratch" : "");
                replication.start(resetBegun);
            }
        }
    }

    /**
     * Where the event topics of the region's cluster end, in the origins' offsets: everything the
     * region can rebuild from its own cluster, whatever became of the other regions' clusters.
     */
    private LogPositions copyEnds(String region, TopicOffsets offsets) {
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(clusters.settingsFor(region, consumerSettings))) {
            return new CopyEnds(offsets, consumer, clusters.mirroredTopics(region), ADMIN_TIMEOUT)
                    .ends(offsets.eventPartitions(clusters.regions()));
        }
    }

    private static void deleteGroup(Admin admin, String groupId, Duration timeout) {
        // A stopped Streams client may still count as a member until its session times out; remove
        // every member so the group can be deleted at once.
        try {
            admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions())
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            log.debug("no members removed from {}: {}", groupId, e.getCause().toString());
        } catch (Exception e) {
            throw new KafkaException("could not remove the members of " + groupId, e);
        }
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                admin.deleteConsumerGroups(List.of(groupId)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                if (!(e.getCause() instanceof GroupNotEmptyException)
                        || Instant.now().isAfter(deadline)) {
                    throw new KafkaException("could not delete consumer group " + groupId, e.getCause());
                }
            } catch (Exception e) {
                throw new KafkaException("could not delete consumer group " + groupId, e);
            }
            pause();
        }
    }

    private void awaitApplied(String region, LogPositions target, Duration timeout) {
        Boolean caughtUp = progress.awaitApplied(region, target, timeout.isNegative() ? Duration.ZERO : timeout)
                .block(timeout.plus(ADMIN_TIMEOUT));
        if (!Boolean.TRUE.equals(caughtUp)) {
            throw new IllegalStateException("replay of " + region + " did not catch up in time; it keeps running in the"
                    + " background. Applied "
                    + progress.applied(region).map(Object::toString).orElse("(unknown)")
                    + ", target " + target);
        }
    }

    private interface AdminCall<T> {
        T call() throws Exception;
    }

    private static <T> T await(AdminCall<T> call) {
        try {
            return call.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        } catch (ExecutionException e) {
            throw new KafkaException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new KafkaException(e.getMessage(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }
}
