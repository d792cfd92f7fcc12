package io.geokv.mirror;

import io.geokv.naming.GeokvNames;
import io.geokv.residency.Residency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The MirrorMaker 2 configuration of a multi-cluster deployment, one Kafka cluster per region: every
 * region's event topic is mirrored from its own cluster to every other region's cluster, under the
 * same name ({@code IdentityReplicationPolicy}: a region's replication reads every origin's events as
 * {@code kv-events.<origin>} in its own cluster), with each mirrored event stamped with its origin
 * offset ({@link OriginOffsetHeader}) and heartbeats on, so that an idle link still shows how old it is.
 * A flow into a region that may not hold a resident tenant's data copies that tenant's events as
 * placeholders without key and value ({@link ResidencyWithholding}).
 *
 * <p>Exactly-once writes of the copies ({@value #EXACTLY_ONCE}{@code =enabled} per target cluster,
 * MirrorMaker 2 dedicated mode since Kafka 3.5) are the caller's choice, off by default: on the
 * 2-core reference machine they took the bench's multi-topology visibility p99 from 105 to 130 ms
 * to 483 to 539 ms at 1,000 writes/s. A second copy is harmless to geokv: replication skips an event
 * at or below the origin offset it has applied.
 *
 * <p>MirrorMaker 2 writes only to each flow's target cluster: its offset syncs are kept there, and
 * since geokv tells positions in its origins' offsets and moves no consumer group between clusters,
 * no group is checkpointed (MirrorMaker 2 refuses to turn its offset syncs and checkpoints off
 * altogether while its checkpoint connector runs, which dedicated mode always starts). That lets a region run
 * its own MirrorMaker 2 beside its cluster ({@code --clusters <region>}: it reads the other regions'
 * clusters over the network and writes to its own), so that a cut link only stops reads, which
 * resume on their own when the link is back, and never takes a MirrorMaker 2 away from the cluster
 * its Connect workers keep their state in.
 *
 * <p>Invariants (checked by {@code MirrorFlowsTest}):
 * <ul>
 *   <li>every ordered pair of distinct regions has one flow, and it mirrors only the source region's
 *       own event topic: nothing is mirrored back to its origin or onwards from a mirror (no cycles,
 *       and every region receives every origin's events straight from the origin);
 *   <li>cluster aliases are the region names, so MirrorMaker 2's own metrics and internal topics
 *       name regions;
 *   <li>nothing is written to a flow's source cluster, and no consumer group is checkpointed;
 *   <li>every flow reads its source with {@code isolation.level=read_committed}: MirrorMaker 2's
 *       consumer reads uncommitted by default, and its copies are written outside any transaction,
 *       so the events of an aborted transaction (a user's producer writing straight to an event
 *       topic) would become committed events in every other region, which their origin never applies;
 *   <li>a flow withholds exactly the resident tenants its target region may not hold;
 *   <li>an explicit setting of the caller replaces the one made here, except the flows' topic lists,
 *       the replication policy, the transforms, the source isolation level and the writes to source
 *       clusters, which the invariants above rest on.
 * </ul>
 */
public final class MirrorFlows {

    /** The alias of {@link OriginOffsetHeader} in every flow's {@code transforms}. */
    static final String TRANSFORM = "origin";

    /** The alias of {@link ResidencyWithholding} in the {@code transforms} of a flow that withholds tenants. */
    static final String WITHHOLDING = "residency";

    private static final String IDENTITY_POLICY = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";

    /** Per target cluster ({@code <region>.}): whether its Connect workers write source records exactly once. */
    static final String EXACTLY_ONCE = "exactly.once.source.support";

    /** The isolation level of a flow's consumer of its source cluster (a MirrorSourceConnector setting). */
    static final String SOURCE_ISOLATION = "source.consumer.isolation.level";

    private MirrorFlows() {}

    /**
     * The settings that give every topic MirrorMaker 2 creates (the mirrored copies, heartbeats, offset
     * syncs, checkpoints and Connect's internal topics) {@code factor} replicas: clusters of fewer
     * brokers than MirrorMaker 2's default of 3 need them.
     */
    public static Map<String, String> replicationFactor(int factor) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : List.of(
                "replication.factor",
                "offset-syncs.topic.replication.factor",
                "heartbeats.topic.replication.factor",
                "checkpoints.topic.replication.factor",
                "config.storage.replication.factor",
                "offset.storage.replication.factor",
                "status.storage.replication.factor")) {
            settings.put(setting, Integer.toString(factor));
        }
        return settings;
    }

    /**
     * @param bootstrapServers every region's cluster, by region name, in the deployment's order
     * @param settings further MirrorMaker 2 settings (replication factors, intervals, client settings)
     * @return the properties of MirrorMaker 2 in dedicated mode ({@code connect-mirror-maker.sh})
     */
    public static Map<String, String> properties(Map<String, String> bootstrapServers, Map<String, String> settings) {
        return properties(bootstrapServers, Residency.none(), settings);
    }

    /**
     * @param bootstrapServers every region's cluster, by region name, in the deployment's order
     * @param residency where each tenant's data may be stored: each flow withholds the tenants its
     *     target may not hold ({@link ResidencyWithholding})
     * @param settings further MirrorMaker 2 settings (replication factors, intervals, client settings)
     * @return the properties of MirrorMaker 2 in dedicated mode ({@code connect-mirror-maker.sh})
     */
    public static Map<String, String> properties(
            Map<String, String> bootstrapServers, Residency residency, Map<String, String> settings) {
        List<String> regions = List.copyOf(bootstrapServers.keySet());
        GeokvNames.requireDistinguishable(regions);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("clusters", String.join(", ", regions));
        bootstrapServers.forEach((region, servers) -> p.put(region + ".bootstrap.servers", servers));
        p.put("emit.heartbeats.enabled", "true");
        p.put("sync.topic.acls.enabled", "false");
        p.putAll(settings);
        p.put("offset-syncs.topic.location", "target");
        p.put("groups.exclude", ".*");
        p.put("replication.policy.class", IDENTITY_POLICY);
        for (String source : regions) {
            for (String target : regions) {
                if (source.equals(target)) {
                    continue;
                }
                String flow = source + "->" + target;
                p.put(flow + ".enabled", "true");
                p.put(flow + ".topics", Pattern.quote(GeokvNames.eventTopic(source)));
                p.put(flow + ".transforms." + TRANSFORM + ".type", OriginOffsetHeader.class.getName());
                Set<String> withheld = residency.withheldFrom(target);
                if (withheld.isEmpty()) {
                    p.put(flow + ".transforms", TRANSFORM);
                } else {
                    // After the origin offset: the placeholder keeps it.
                    p.put(flow + ".transforms", TRANSFORM + "," + WITHHOLDING);
                    p.put(flow + ".transforms." + WITHHOLDING + ".type", ResidencyWithholding.class.getName());
                    p.put(
                            flow + ".transforms." + WITHHOLDING + "." + ResidencyWithholding.TENANTS,
                            String.join(",", new TreeSet<>(withheld)));
                }
                p.put(flow + "." + SOURCE_ISOLATION, "read_committed");
            }
        }
        return p;
    }
}
