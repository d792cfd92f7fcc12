package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.junit.jupiter.api.Test;

class AvroClassTrustTest {

    @Test
    void trustsExactlyTheGeneratedClassesOnTopOfTheInstalledPredicate() {
        ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
        try {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);

            AvroClassTrust.ensureTrusted();
            ClassSecurityPredicate after = ClassSecurityValidator.getGlobal();
            AvroClassTrust.ensureTrusted();

            assertThat(ClassSecurityValidator.getGlobal()).as("idempotent").isSameAs(after);
            assertThat(after.isTrusted(KvEvent.class)).isTrue();
            assertThat(after.isTrusted(CausalContext.class)).isTrue();
            assertThat(after.isTrusted(ContextEntry.class)).isTrue();
            assertThat(after.isTrusted(String.class)).as("defaults kept").isTrue();
            assertThat(after.isTrusted(AvroClassTrustTest.class)).isFalse();
        } finally {
            ClassSecurityValidator.setGlobal(before);
        }
    }

    @Test
    void generatedBuildersCanDeepCopyOnceTheCodecIsLoaded() {
        KvEventCodec.shared();
        KvEvent original = TestEvents.put().build();

        KvEvent copy = KvEvent.newBuilder(original).setKey("other").build();

        assertThat(copy.getKey()).isEqualTo("other");
        assertThat(copy.getContext()).isEqualTo(original.getContext());
    }
}
