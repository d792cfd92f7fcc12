package io.geokv.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.naming.GeokvNames;
import io.geokv.residency.Residency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MirrorFlowsTest {

    private static final List<String> REGIONS = GeokvNames.DEFAULT_REGIONS;

    private static Map<String, String> clusters() {
        Map<String, String> clusters = new LinkedHashMap<>();
        for (int i = 0; i < REGIONS.size(); i++) {
            clusters.put(REGIONS.get(i), "127.0.0.1:" + (9092 + i));
        }
        return clusters;
    }

    @Test
    void everyRegionMirrorsOnlyItsOwnEventTopicToEveryOtherRegion() {
        Map<String, String> p = MirrorFlows.properties(clusters(), Map.of());

        assertThat(p.get("clusters")).isEqualTo(String.join(", ", REGIONS));
        for (String source : REGIONS) {
            for (String target : REGIONS) {
                String flow = source + "->" + target;
                if (source.equals(target)) {
                    assertThat(p).doesNotContainKey(flow + ".enabled");
                    continue;
                }
                assertThat(p.get(flow + ".enabled")).isEqualTo("true");
                Pattern topics = Pattern.compile(p.get(flow + ".topics"));
                for (String origin : REGIONS) {
                    // Nothing goes back to its origin nor onwards from a mirror: no cycles.
                    assertThat(topics.matcher(GeokvNames.eventTopic(origin)).matches())
                            .as(flow + " mirrors " + GeokvNames.eventTopic(origin))
                            .isEqualTo(origin.equals(source));
                }
                assertThat(topics.matcher(GeokvNames.DEAD_LETTER_TOPIC).matches())
                        .isFalse();
                assertThat(p.get(flow + ".transforms." + MirrorFlows.TRANSFORM + ".type"))
                        .isEqualTo(OriginOffsetHeader.class.getName());
                // Events of aborted transactions must not become committed copies.
                assertThat(p.get(flow + "." + MirrorFlows.SOURCE_ISOLATION)).isEqualTo("read_committed");
            }
            assertThat(p.get(source + ".bootstrap.servers"))
                    .isEqualTo(clusters().get(source));
        }
        assertThat(p.get("replication.policy.class")).endsWith("IdentityReplicationPolicy");
        assertThat(p.get("emit.heartbeats.enabled")).isEqualTo("true");
        // Writes to the source clusters are off, so a region's MirrorMaker 2 can run beside its target.
        assertThat(p.get("offset-syncs.topic.location")).isEqualTo("target");
        assertThat(p.get("groups.exclude")).isEqualTo(".*");
    }

    @Test
    void theCallersSettingsApplyExceptWhatTheFlowsRestOn() {
        Map<String, String> p = MirrorFlows.properties(
                clusters(),
                Map.of(
                        "replication.factor",
                        "1",
                        "emit.heartbeats.interval.seconds",
                        "1",
                        "replication.policy.class",
                        "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
                        "us-east->eu-west.topics",
                        ".*",
                        "us-east->eu-west." + MirrorFlows.SOURCE_ISOLATION,
                        "read_uncommitted",
                        "offset-syncs.topic.location",
                        "source",
                        "eu-west." + MirrorFlows.EXACTLY_ONCE,
                        "enabled"));

        assertThat(p.get("replication.factor")).isEqualTo("1");
        assertThat(p.get("emit.heartbeats.interval.seconds")).isEqualTo("1");
        assertThat(p.get("replication.policy.class")).endsWith("IdentityReplicationPolicy");
        assertThat(p.get("us-east->eu-west.topics")).isEqualTo(Pattern.quote(GeokvNames.eventTopic("us-east")));
        assertThat(p.get("us-east->eu-west." + MirrorFlows.SOURCE_ISOLATION)).isEqualTo("read_committed");
        assertThat(p.get("offset-syncs.topic.location")).isEqualTo("target");
        assertThat(p.get("eu-west." + MirrorFlows.EXACTLY_ONCE)).isEqualTo("enabled");
    }

    @Test
    void oneReplicationFactorForEveryTopicMirrorMakerCreates() {
        Map<String, String> settings = MirrorFlows.replicationFactor(1);

        assertThat(settings)
                .containsEntry("replication.factor", "1")
                .containsEntry("heartbeats.topic.replication.factor", "1")
                .containsEntry("config.storage.replication.factor", "1")
                .containsEntry("offset.storage.replication.factor", "1")
                .containsEntry("status.storage.replication.factor", "1");
        assertThat(settings.values()).containsOnly("1");
    }

    @Test
    void eachFlowWithholdsExactlyTheResidentTenantsItsTargetMayNotHold() {
        Residency residency =
                Residency.of(REGIONS, Map.of("bank", List.of("eu-west"), "globex", List.of("eu-west", "asia-pac")));
        Map<String, String> p = MirrorFlows.properties(clusters(), residency, Map.of());

        String withheld = "." + ResidencyWithholding.TENANTS;
        String transform = ".transforms." + MirrorFlows.WITHHOLDING;
        assertThat(p.get("eu-west->us-east.transforms"))
                .isEqualTo(MirrorFlows.TRANSFORM + "," + MirrorFlows.WITHHOLDING);
        assertThat(p.get("eu-west->us-east" + transform + ".type")).isEqualTo(ResidencyWithholding.class.getName());
        assertThat(p.get("eu-west->us-east" + transform + withheld)).isEqualTo("bank,globex");
        assertThat(p.get("eu-west->asia-pac" + transform + withheld)).isEqualTo("bank");
        assertThat(p.get("asia-pac->eu-west.transforms")).isEqualTo(MirrorFlows.TRANSFORM);
        assertThat(p).doesNotContainKey("asia-pac->eu-west" + transform + withheld);
    }
}
