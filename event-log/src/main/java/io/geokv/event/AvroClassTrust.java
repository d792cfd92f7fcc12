package io.geokv.event;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import java.util.List;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Declares the generated event classes as trusted to Avro's class security check.
 *
 * <p>Since Avro 1.12.2 every class Avro loads by name, including an application's own generated
 * {@code SpecificRecord} classes, must be trusted, either through the system properties {@code
 * org.apache.avro.SERIALIZABLE_CLASSES} / {@code SERIALIZABLE_PACKAGES} or through {@link
 * ClassSecurityValidator}. Without this, decoding a {@link KvEvent} (or {@code
 * KvEvent.newBuilder(other)}, which deep-copies) fails with a {@link SecurityException}. This adds
 * exactly the three generated classes to whatever predicate is already installed; it trusts
 * nothing else. {@link KvEventCodec} calls it when it is loaded, so users of the codec and the
 * serde need not.
 */
public final class AvroClassTrust {

    private static final List<Class<?>> GENERATED = List.of(KvEvent.class, CausalContext.class, ContextEntry.class);

    private AvroClassTrust() {}

    /** Makes Avro trust the generated event classes. Idempotent and thread-safe. */
    public static synchronized void ensureTrusted() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (GENERATED.stream().allMatch(current::isTrusted)) {
            return;
        }
        ClassSecurityValidator.Builder ours = ClassSecurityValidator.builder();
        GENERATED.forEach(ours::add);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours.build()));
    }
}
