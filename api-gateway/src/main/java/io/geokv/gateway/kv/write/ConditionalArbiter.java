package io.geokv.gateway.kv.write;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.VersionVector;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Arbitrates conditional strong writes in the key's home region. Under the key's lock in the home
 * region's PostgreSQL, the arbiter first waits out the publish fence of an arbiter that went away
 * without clearing its intent, so that no event of an earlier arbitration can still enter the log;
 * then the home region catches up with the key's log (every write of the key acknowledged so far, in
 * any region); then the condition is checked against its state, the intent is recorded, and the write
 * is published and applied there before the intent is cleared and the lock released. So the next
 * conditional write of the key sees it, and of two racing writes with the same condition only one can
 * succeed, whatever happens to the first one's client, gateway or lock connection.
 *
 * <p>The locked work runs detached from the request: a client that cancels, or times out, cannot make
 * it release the lock before the home region has applied the write it published.
 */
final class ConditionalArbiter {

    private static final Logger log = LoggerFactory.getLogger(ConditionalArbiter.class);
    private static final Duration WITHDRAW_BACKOFF = Duration.ofMillis(100);

    private final RegionStores stores;
    private final HomeRegions homes;
    private final RegionProgress progress;
    private final KeyLogEnds logEnds;
    private final WriteEvents events;
    private final ConsistencyWaits waits;

    ConditionalArbiter(
            RegionStores stores,
            HomeRegions homes,
            RegionProgress progress,
            KeyLogEnds logEnds,
            WriteEvents events,
            ConsistencyWaits waits) {
        this.stores = stores;
        this.homes = homes;
        this.progress = progress;
        this.logEnds = logEnds;
        this.events = events;
        this.waits = waits;
    }

    /** The write, published once its home region found the condition true; it then completes like any strong write. */
    Mono<Published> arbitrate(WriteRequest write, VersionVector expected) {
        KeyRef key = write.key();
        String home = homes.homeOf(key.tenant(), key.key());
        RegionStore homeStore = stores.get(home);
        CompletableFuture<Published> published = new CompletableFuture<>();
        homeStore
                .locks()
                .whileLocked(
                        key.tenant(),
                        key.key(),
                        waits.lock(),
                        lock -> awaitFence(homeStore, key)
                                .then(logEnds.of(key.tenant(), key.key()))
                                .flatMap(ends -> progress.awaitAll(List.of(home), ends, waits.strong()))
                                .flatMap(caughtUp -> caughtUp.isEmpty()
                                        ? Mono.error(KvProblem.unavailable(
                                                "arbiter-behind",
                                                "the home region of key '"
                                                        + key + "', " + home
                                                        + ", has not applied the key's log after "
                                                        + waits.strong().toMillis() + " ms; the write was not applied"))
                                        : homeStore
                                                .reader()
                                                .find(key.tenant(), key.key())
                                                .defaultIfEmpty(KeyState.empty()))
                                .flatMap(state -> {
                                    ExpectedContext.require(state, expected, home, key);
                                    VersionVector context = write.context().orElse(state.context());
                                    KvEvent event = events.event(write, state, context);
                                    // The intent is visible before the lock is shown to be still held, so an
                                    // arbiter that took the lock over after this one lost it is fenced by it.
                                    // When recording it or verifying the lock fails, nothing is published, and
                                    // the intent (which may have been committed all the same) is withdrawn, so
                                    // that it does not fence the next arbiter for nothing.
                                    return homeStore
                                            .intents()
                                            .record(key.tenant(), key.key(), event.getEventId())
                                            .then(lock.verify())
                                            .onErrorResume(notSent -> {
                                                withdraw(homeStore, key, event.getEventId());
                                                return Mono.error(notSent);
                                            })
                                            .then(events.send(write, context, event));
                                })
                                .doOnNext(published::complete)
                                .flatMap(accepted -> holdUntilApplied(homeStore, home, write, accepted)))
                .subscribe(applied -> {}, error -> {
                    if (!published.completeExceptionally(error)) {
                        log.warn("conditional write of {}: lock released after an error: {}", key, error.toString());
                    }
                });
        // Failures before the event is published (lock, fence, catching up, reading) leave nothing
        // behind; publish's own failures are problems already.
        return Mono.fromFuture(published, true)
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> KvProblem.unavailable(
                                "arbiter-unavailable",
                                "the home region of key '" + key + "', " + home
                                        + ", could not arbitrate the conditional write (" + e.getMessage()
                                        + "); it was not applied"));
    }

    /** The lock is held until the home region applied the write, then its intent is cleared. */
    private Mono<List<String>> holdUntilApplied(
            RegionStore homeStore, String home, WriteRequest write, Published accepted) {
        KeyRef key = write.key();
        return progress.awaitAll(
                        List.of(home), accepted.positions(write.session()).positions(), waits.lockHold())
                .flatMap(applied -> {
                    if (applied.isEmpty()) {
                        log.error(
                                "home region {} did not apply the conditional write {} of {} within {};"
                                        + " releasing its lock",
                                home,
                                accepted.eventId(),
                                key,
                                waits.lockHold());
                        return Mono.just(applied);
                    }
                    return homeStore
                            .intents()
                            .clear(key.tenant(), key.key(), accepted.eventId())
                            .thenReturn(applied);
                });
    }

    /**
     * Withdraws the intent of an event that was certainly not published, retrying until the home
     * region's PostgreSQL answers (the failure that stopped the arbitration is often that it did not),
     * for as long as the intent would fence the next arbiter anyway. Detached from the request.
     */
    private void withdraw(RegionStore home, KeyRef key, String eventId) {
        home.intents()
                .clear(key.tenant(), key.key(), eventId)
                .retryWhen(
                        Retry.backoff(Long.MAX_VALUE, WITHDRAW_BACKOFF).maxBackoff(WITHDRAW_BACKOFF.multipliedBy(10)))
                .timeout(waits.publishFence())
                .subscribe(
                        cleared -> {},
                        e -> log.warn(
                                "conditional write of {}: the intent of event {}, which was not published, could not"
                                        + " be withdrawn; the next arbiter waits out its fence: {}",
                                key,
                                eventId,
                                e.toString()));
    }

    /**
     * Waits until no event of an earlier arbitration of the key whose arbiter went away without
     * clearing its intent can still be appended; 503 with {@code Retry-After} when that is longer than
     * a strong write may wait.
     */
    private Mono<Void> awaitFence(RegionStore home, KeyRef key) {
        return home.intents().find(key.tenant(), key.key()).flatMap(intent -> {
            Duration left = waits.publishFence().minus(intent.age());
            if (left.isNegative() || left.isZero()) {
                return Mono.empty();
            }
            if (left.compareTo(waits.strong()) > 0) {
                return Mono.error(KvProblem.unavailable(
                                "arbiter-fenced",
                                "an earlier conditional write"
                                        + " of key '" + key + "' (event " + intent.eventId()
                                        + ") may still enter the log for "
                                        + left.toMillis()
                                        + " ms: its arbiter went away before it was applied; the write was not applied")
                        .retryAfter(left));
            }
            log.info(
                    "conditional write of {}: waiting {} ms for the fence of event {} whose arbiter went away",
                    key,
                    left.toMillis(),
                    intent.eventId());
            return Mono.delay(left).then();
        });
    }
}
