package io.geokv.conflict;

import java.util.List;

/**
 * The {@code siblings} resolution policy (Riak's allow_mult): concurrent values are all kept and
 * shown to the reader until a write whose context covers them resolves them. A delete concurrent
 * with a value does not hide it: the value is shown, and a write with the read's context still
 * supersedes the delete too.
 */
public final class KeepSiblings implements SiblingResolver {

    @Override
    public Resolution resolve(List<Sibling> siblings) {
        List<Sibling> live = SiblingResolver.live(siblings);
        return switch (live.size()) {
            case 0 -> Resolution.ABSENT;
            case 1 -> Resolution.Value.of(live.get(0));
            default -> new Resolution.Conflict(live);
        };
    }
}
