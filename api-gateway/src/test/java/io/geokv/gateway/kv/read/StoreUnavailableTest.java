package io.geokv.gateway.kv.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.gateway.kv.KvProblem;
import io.geokv.store.postgres.StoreException;
import io.lettuce.core.RedisConnectionException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class StoreUnavailableTest {

    @Test
    void storesBeingAwayAreRecognisedThroughWrappers() {
        assertThat(StoreUnavailable.is(new R2dbcNonTransientResourceException("Connection closed")))
                .isTrue();
        assertThat(StoreUnavailable.is(new IllegalStateException(new ConnectException("Connection refused"))))
                .isTrue();
        assertThat(StoreUnavailable.is(new RedisConnectionException("Unable to connect")))
                .isTrue();
        assertThat(StoreUnavailable.is(new TimeoutException("acquire"))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(StoreUnavailable.is(new IllegalStateException("bug"))).isFalse();
        assertThat(StoreUnavailable.is(new StoreException(
                        "stored state cannot be decoded", new IllegalArgumentException("truncated"))))
                .isFalse();
    }

    @Test
    void theProblemIsA503NamingTheRegion() {
        KvProblem problem =
                StoreUnavailable.problem("eu-west", new R2dbcNonTransientResourceException("Connection refused"));
        assertThat(problem.kind()).isEqualTo(KvProblem.Kind.UNAVAILABLE);
        assertThat(problem.type()).isEqualTo("region-store-unavailable");
        assertThat(problem.getMessage()).contains("eu-west", "Connection refused");
    }
}
