package io.geokv.gateway.kv.read;

import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.ReadResult;
import io.geokv.position.EventPartition;
import io.geokv.store.Source;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Session reads show the session's own writes: the routed region once it has applied them, or else
 * the first serving region that has; from PostgreSQL, which holds every applied write (the cache may
 * still be catching up). The answer's session token also covers what the serving region had applied
 * of the key's partitions, so that the session's later reads never show less, whichever region
 * serves them.
 */
final class SessionReads {

    private final ReadDependencies deps;

    SessionReads(ReadDependencies deps) {
        this.deps = deps;
    }

    Mono<ReadResult> read(ReadRequest read) {
        KeyRef key = read.key();
        List<EventPartition> keyPartitions = deps.logEnds().partitionsOf(key.tenant(), key.key());
        return deps.progress()
                .firstToApply(
                        deps.serving().routedFirst(read.region(), key.tenant(), read.caller()),
                        read.session().positions(),
                        deps.waits().session())
                .switchIfEmpty(Mono.error(() -> KvProblem.timeout(
                        "session-not-available",
                        "no region had applied this session's writes after "
                                + deps.waits().session().toMillis() + " ms; they are durable, retry shortly")))
                // What the region has applied comes from the read's own snapshot, so the token covers all it showed.
                .flatMap(region -> deps.stores()
                        .get(region)
                        .readAsOf(key.tenant(), key.key(), keyPartitions)
                        .map(found -> deps.results()
                                .of(
                                        key,
                                        found.state(),
                                        Source.DB,
                                        region,
                                        List.of(region),
                                        Consistency.SESSION,
                                        deps.results()
                                                .tokens()
                                                .session(read.session().withSeen(found.applied()), key.tenant())))
                        .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(region, e)));
    }
}
