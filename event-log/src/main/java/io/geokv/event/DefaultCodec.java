package io.geokv.event;

/** Lazily created, shared default {@link KvEventCodec} (the codec is thread-safe). */
final class DefaultCodec {
    static final KvEventCodec INSTANCE = new KvEventCodec();

    private DefaultCodec() {}
}
