package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputRulesTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    @Test
    void ordinaryKeysAreFine() {
        assertThat(InputRules.keyViolation("user/42")).isEmpty();
        assertThat(InputRules.keyViolation("k")).isEmpty();
        assertThat(InputRules.keyViolation("clé 🔑 with spaces")).isEmpty();
    }

    @Test
    void keyOf512BytesIsFineAnd513IsNot() {
        assertThat(InputRules.keyViolation("a".repeat(512))).isEmpty();
        assertThat(InputRules.keyViolation("a".repeat(513))).contains("key must be 1 to 512 bytes of UTF-8, got 513");
        assertThat(InputRules.keyViolation("a".repeat(600))).contains("key must be 1 to 512 bytes of UTF-8, got 600");
    }

    @Test
    void emptyOrMissingKeyIsRejected() {
        assertThat(InputRules.keyViolation("")).contains("key must be 1 to 512 bytes of UTF-8, got 0");
        assertThat(InputRules.keyViolation(null)).contains("key is required");
    }

    @Test
    void multibyteCharactersCountInBytes() {
        String twoByte = "é".repeat(256); // 256 characters, 512 bytes
        assertThat(twoByte.getBytes(StandardCharsets.UTF_8)).hasSize(512);
        assertThat(InputRules.keyViolation(twoByte)).isEmpty();
        assertThat(InputRules.keyViolation(twoByte + "a")).contains("key must be 1 to 512 bytes of UTF-8, got 513");

        String threeByte = "€".repeat(171); // 513 bytes in 171 characters
        assertThat(InputRules.keyViolation(threeByte)).contains("key must be 1 to 512 bytes of UTF-8, got 513");

        String fourByte = "😀".repeat(128); // 256 chars (surrogate pairs), 512 bytes
        assertThat(InputRules.keyViolation(fourByte)).isEmpty();
        assertThat(InputRules.keyViolation(fourByte + "x")).contains("key must be 1 to 512 bytes of UTF-8, got 513");
    }

    @Test
    void controlCharactersAreRejected() {
        assertThat(InputRules.keyViolation("line\nbreak"))
                .contains("key must not contain control characters; found U+000A at character 4");
        assertThat(InputRules.keyViolation("\u0000")).get().asString().contains("U+0000");
        assertThat(InputRules.keyViolation("tab\there")).get().asString().contains("U+0009");
        assertThat(InputRules.keyViolation("del\u007f")).get().asString().contains("U+007F");
        assertThat(InputRules.keyViolation("c1\u0085")).get().asString().contains("U+0085");
    }

    @Test
    void unpairedSurrogatesAreNotUtf8() {
        assertThat(InputRules.keyViolation("a\uD800b"))
                .contains("key is not valid Unicode: unpaired surrogate at character 1");
        assertThat(InputRules.keyViolation("\uDC00")).isPresent();
    }

    @Test
    void tenants() {
        assertThat(InputRules.tenantViolation("acme")).isEmpty();
        assertThat(InputRules.tenantViolation("0")).isEmpty();
        assertThat(InputRules.tenantViolation("team_a-1")).isEmpty();
        assertThat(InputRules.tenantViolation("a".repeat(63))).isEmpty();

        assertThat(InputRules.tenantViolation("a".repeat(64))).isPresent();
        assertThat(InputRules.tenantViolation("Acme"))
                .contains("invalid tenant 'Acme': use 1 to 63 characters of lower-case letters, digits, '_' and"
                        + " '-', starting with a letter or digit");
        assertThat(InputRules.tenantViolation("-acme")).isPresent();
        assertThat(InputRules.tenantViolation("_acme")).isPresent();
        assertThat(InputRules.tenantViolation("ac/me")).isPresent();
        assertThat(InputRules.tenantViolation("acme\n")).get().asString().contains("'acme\\u000A'");
        assertThat(InputRules.tenantViolation("")).contains("tenant is required");
        assertThat(InputRules.tenantViolation(null)).contains("tenant is required");
    }

    @Test
    void longInputIsCutInMessages() {
        String message = InputRules.tenantViolation("X".repeat(10_000)).orElseThrow();
        assertThat(message.length()).isLessThan(250);
        assertThat(message).contains("...");
    }

    @Test
    void regions() {
        assertThat(InputRules.regionViolation("eu-west", REGIONS)).isEmpty();
        assertThat(InputRules.regionViolation("x", REGIONS))
                .contains("unknown region 'x'; valid regions: us-east, eu-west, asia-pac");
        assertThat(InputRules.regionViolation("", REGIONS))
                .contains("region is required; valid regions: us-east, eu-west, asia-pac");
        assertThat(InputRules.regionViolation(null, REGIONS)).isPresent();
        assertThat(InputRules.regionViolation("us-east", List.of()))
                .contains("unknown region 'us-east'; no regions are configured");
    }

    @Test
    void valueSize() {
        long limit = InputRules.DEFAULT_MAX_VALUE_BYTES;
        assertThat(InputRules.valueViolation(limit, limit)).isEmpty();
        assertThat(InputRules.valueViolation(0, limit)).isEmpty();
        assertThat(InputRules.valueViolation(limit + 1, limit))
                .contains("value is 1048577 bytes, larger than the limit of 1048576 bytes");
    }
}
