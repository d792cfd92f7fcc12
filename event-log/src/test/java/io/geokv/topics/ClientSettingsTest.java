package io.geokv.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void aDefaultNeverReplacesWhatTheUserSet() {
        Map<String, Object> config = new HashMap<>(Map.of("linger.ms", "20"));
        ClientSettings.defaultTo(config, "linger.ms", 1);
        ClientSettings.defaultTo(config, "compression.type", "lz4");
        assertThat(config).containsEntry("linger.ms", "20").containsEntry("compression.type", "lz4");
    }

    @Test
    void aRequiredSettingIsSetAndAConflictingOneRefusesToStart() {
        Map<String, Object> config =
                new HashMap<>(Map.of("acks", "ALL", "key.serializer", StringSerializer.class.getName()));
        ClientSettings.require(config, "acks", "all", "acknowledged writes survive a broker loss");
        ClientSettings.require(config, "key.serializer", StringSerializer.class, "record keys are tenant/key");
        ClientSettings.require(config, "enable.idempotence", true, "no duplicates on retry");
        assertThat(config).containsEntry("acks", "all").containsEntry("enable.idempotence", true);

        Map<String, Object> weak = new HashMap<>(Map.of("acks", "1"));
        assertThatThrownBy(
                        () -> ClientSettings.require(weak, "acks", "all", "acknowledged writes survive a broker loss"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("acks is configured as '1', but geokv needs 'all' (acknowledged writes survive a broker"
                        + " loss): remove that setting");
    }
}
