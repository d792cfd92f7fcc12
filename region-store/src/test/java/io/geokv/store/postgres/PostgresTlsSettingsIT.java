package io.geokv.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.store.TestStates;
import io.geokv.store.config.RegionProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code geokv.regions[i].postgres.ssl-mode} reaches both drivers: the test PostgreSQL has no TLS, so
 * a region that requires it cannot connect, through JDBC (replication's writes) nor R2DBC (the
 * gateway's reads), while {@code disable} and {@code prefer} still connect.
 */
class PostgresTlsSettingsIT {

    private static final RegionProperties REGION = TestStates.region("tls-settings", 9);

    @Test
    void aRegionThatRequiresTlsDoesNotConnectToAServerWithout() {
        RegionProperties requiring = withSslMode(REGION, "require");

        assertThatThrownBy(() -> RegionDatabase.open(requiring).close()).hasStackTraceContaining("SSL");
        StateReader reader = new StateReader(requiring);
        try {
            assertThatThrownBy(() -> reader.find("default", "k").block(Duration.ofSeconds(20)))
                    .hasStackTraceContaining("SSL");
        } finally {
            reader.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutTlsOrPreferringItTheRegionConnects() {
        for (String mode : new String[] {"disable", "prefer"}) {
            RegionProperties region = withSslMode(REGION, mode);
            RegionDatabase.open(region).close();
            StateReader reader = new StateReader(region);
            try {
                assertThat(reader.find("default", "absent").blockOptional(Duration.ofSeconds(20)))
                        .as(mode)
                        .isEmpty();
            } finally {
                reader.close().block(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void anUnknownModeIsRefused() {
        RegionProperties.Postgres pg = REGION.postgres();
        assertThatThrownBy(() -> new RegionProperties.Postgres(
                        pg.host(), pg.port(), pg.database(), pg.username(), pg.password(), 2, "on", null))
                .hasMessageContaining("ssl-mode 'on'");
    }

    private static RegionProperties withSslMode(RegionProperties region, String mode) {
        RegionProperties.Postgres pg = region.postgres();
        return new RegionProperties(
                region.name(),
                new RegionProperties.Postgres(
                        pg.host(), pg.port(), pg.database(), pg.username(), pg.password(), 2, mode, null),
                region.redis());
    }
}
