package io.geokv.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final Grant grant = Grant.of("api-key ops", List.of("admin"), List.of("*"), List.of());

    @Test
    void aKeyAuthenticatesByItsHashAlone() {
        String key = ApiKeys.generate("ops");
        ApiKeys keys = new ApiKeys(Map.of("ops", stored(key)));

        assertThat(key).startsWith("geokv_ops_").hasSizeGreaterThan(50);
        assertThat(ApiKeys.hash(key)).matches("[0-9a-f]{64}");
        assertThat(keys.authenticate(key)).contains(grant);
    }

    @Test
    void anythingElseIsRefused() {
        String key = ApiKeys.generate("ops");
        ApiKeys keys = new ApiKeys(Map.of("ops", stored(key)));

        assertThat(keys.authenticate(key + "x")).isEmpty();
        assertThat(keys.authenticate(key.substring(0, key.length() - 1))).isEmpty();
        // The same secret under another id, an unknown id, no id at all, not a key.
        assertThat(keys.authenticate(key.replace("geokv_ops_", "geokv_dev_"))).isEmpty();
        assertThat(keys.authenticate(ApiKeys.generate("dev"))).isEmpty();
        assertThat(keys.authenticate("geokv_ops")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(ApiKeys.isApiKey("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
    }

    @Test
    void idsAreChecked() {
        assertThatThrownBy(() -> ApiKeys.generate("Has_Underscore")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApiKeys(Map.of("a_b", stored("geokv_a_b_c"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private ApiKeys.StoredKey stored(String key) {
        return new ApiKeys.StoredKey(HexFormat.of().parseHex(ApiKeys.hash(key)), grant);
    }
}
