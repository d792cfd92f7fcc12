package io.geokv.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckReportTest {

    @Test
    void countsAnomaliesOperationsAndFaults() throws Exception {
        History broken =
                Ops.withDigests(ValidHistory.build(), Map.of("us-east", "d1", "eu-west", "d2", "asia-pac", "d1"));

        CheckReport report = CheckReport.of(broken);
        JsonNode json = HistoryFiles.mapper().readTree(report.toJson());

        assertThat(report.passed()).isFalse();
        assertThat(json.get("anomalyCount").asInt()).isEqualTo(1);
        assertThat(json.get("anomaliesByType").get("digests-differ").asLong()).isEqualTo(1);
        assertThat(json.get("anomalies").get(0).get("type").asText()).isEqualTo("digests-differ");
        assertThat(json.get("operationsByKindAndOutcome")
                        .get("CAS_INCREMENT")
                        .get("OK")
                        .asLong())
                .isEqualTo(2);
        assertThat(json.get("operationsByKindAndOutcome")
                        .get("CAS_INCREMENT")
                        .get("FAIL")
                        .asLong())
                .isEqualTo(1);
        assertThat(json.get("faultsByKind").get("kill-replication").asLong()).isEqualTo(1);
    }

    @Test
    void aValidHistoryPasses() {
        assertThat(CheckReport.of(ValidHistory.build()).passed()).isTrue();
    }
}
