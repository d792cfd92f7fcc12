package io.geokv.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A tenant's pin binds its region; residency configured the old way, on the pin, stops the start. */
class PinTest {

    private static GatewayProperties.Pin bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bind("pin", GatewayProperties.Pin.class)
                .get();
    }

    @Test
    void aPinIsItsRegion() {
        assertThat(bind(Map.of("pin.region", "eu-west")).region()).isEqualTo("eu-west");
    }

    @Test
    void residencyOnAPinIsRefusedNotIgnored() {
        for (Map<String, String> old : List.of(
                Map.of("pin.region", "eu-west", "pin.residency", "true"),
                Map.of("pin.region", "eu-west", "pin.allowed-regions[0]", "eu-west"))) {
            assertThatThrownBy(() -> bind(old))
                    .isInstanceOf(BindException.class)
                    .rootCause()
                    .hasMessageContaining("geokv.residency.tenants.<tenant>");
        }
    }
}
