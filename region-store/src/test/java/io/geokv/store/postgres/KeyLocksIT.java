package io.geokv.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.store.TestStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class KeyLocksIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static RegionDatabase database;
    private static KeyLocks locks;

    @BeforeAll
    static void open() {
        database = RegionDatabase.open(TestStates.region("locks", 10));
        locks = new KeyLocks(TestStates.region("locks", 10));
    }

    @AfterAll
    static void close() {
        locks.close().block(TIMEOUT);
        database.close();
    }

    @Test
    void holdersOfOneKeyNeverOverlap() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Flux.range(0, 6)
                .flatMap(i -> locks.whileLocked(
                        "t",
                        "counter",
                        Duration.ofSeconds(10),
                        lock -> Mono.fromRunnable(() -> events.add("in"))
                                .then(Mono.delay(Duration.ofMillis(50)))
                                .then(Mono.fromRunnable(() -> events.add("out")))))
                .blockLast(TIMEOUT);
        assertThat(events).hasSize(12);
        for (int i = 0; i < events.size(); i += 2) {
            assertThat(events.subList(i, i + 2)).containsExactly("in", "out");
        }
    }

    @Test
    void otherKeysAreNotHeldUpAndALockTakerGivesUpAfterItsWait() {
        Mono<String> holder = locks.whileLocked(
                "t",
                "busy",
                Duration.ofSeconds(5),
                lock -> Mono.delay(Duration.ofSeconds(2)).thenReturn("held"));
        Mono<String> otherKey = Mono.delay(Duration.ofMillis(300))
                .then(locks.whileLocked("t", "free", Duration.ofSeconds(5), lock -> Mono.just("free")));
        Mono<String> impatient = Mono.delay(Duration.ofMillis(300))
                .then(locks.whileLocked("t", "busy", Duration.ofMillis(200), lock -> Mono.just("never")));

        StepVerifier.create(Mono.zip(holder, otherKey.elapsed()))
                .assertNext(both -> {
                    assertThat(both.getT1()).isEqualTo("held");
                    assertThat(both.getT2().getT1()).as("ms for a free key").isLessThan(1500);
                })
                .verifyComplete();
        StepVerifier.create(Mono.zip(
                        locks.whileLocked(
                                "t", "busy", Duration.ofSeconds(5), lock -> Mono.delay(Duration.ofSeconds(1))),
                        impatient))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("lock timeout"))
                .verify(TIMEOUT);
    }

    @Test
    void aFailingHolderReleasesTheLock() {
        StepVerifier.create(locks.whileLocked(
                        "t", "fails", Duration.ofSeconds(1), lock -> Mono.error(new IllegalStateException("boom"))))
                .expectErrorMessage("boom")
                .verify(TIMEOUT);
        StepVerifier.create(locks.whileLocked("t", "fails", Duration.ofSeconds(1), lock -> Mono.just("again")))
                .expectNext("again")
                .verifyComplete();
    }
}
