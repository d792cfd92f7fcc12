package io.geokv.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class ConsistencyTest {

    @Test
    void eventualIsTheDefault() {
        assertThat(Consistency.parse(null)).isEqualTo(Consistency.EVENTUAL);
        assertThat(Consistency.parse("Eventual")).isEqualTo(Consistency.EVENTUAL);
    }

    @Test
    void levelsNotAvailableYetAreRefusedRatherThanWeakened() {
        assertThatThrownBy(() -> Consistency.parse("strong"))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getBody().getDetail()).contains("not available yet").contains("eventual");
                });
    }

    @Test
    void unknownLevelsAreRefused() {
        assertThatThrownBy(() -> Consistency.parse("psychic"))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.getBody().getDetail()).contains("unknown consistency level 'psychic'"));
    }
}
