package io.geokv.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsistencyTest {

    @Test
    void eventualIsTheDefaultAndASessionTokenAsksForSession() {
        assertThat(Consistency.of(null, false)).isEqualTo(Consistency.EVENTUAL);
        assertThat(Consistency.of(" ", true)).isEqualTo(Consistency.SESSION);
    }

    @Test
    void theHeaderWinsWhateverItsCase() {
        assertThat(Consistency.of("Strong", true)).isEqualTo(Consistency.STRONG);
        assertThat(Consistency.of("eventual", true)).isEqualTo(Consistency.EVENTUAL);
        assertThat(Consistency.of("SESSION", false)).isEqualTo(Consistency.SESSION);
    }

    @Test
    void unknownLevelsAreRefusedNamingTheLevels() {
        assertThatThrownBy(() -> Consistency.of("psychic", false)).isInstanceOfSatisfying(KvProblem.class, e -> {
            assertThat(e.kind()).isEqualTo(KvProblem.Kind.INVALID);
            assertThat(e.getMessage())
                    .isEqualTo("unknown consistency level 'psychic'; the levels are eventual, session, strong");
        });
    }
}
