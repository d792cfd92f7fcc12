package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    @Test
    void followsTheWallClockWhenItAdvances() {
        AtomicLong wall = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long t1 = clock.tick();
        assertThat(HybridLogicalClock.physicalMillis(t1)).isEqualTo(1_000);
        assertThat(HybridLogicalClock.logical(t1)).isZero();
        long t2 = clock.tick();
        assertThat(t2).isGreaterThan(t1);
        assertThat(HybridLogicalClock.physicalMillis(t2)).isEqualTo(1_000);
        assertThat(HybridLogicalClock.logical(t2)).isEqualTo(1);
        wall.set(2_000);
        long t3 = clock.tick();
        assertThat(t3).isEqualTo(2_000L << 16);
    }

    @Test
    void staysMonotonicWhenTheWallClockGoesBackwards() {
        AtomicLong wall = new AtomicLong(5_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long previous = clock.tick();
        for (int i = 0; i < 1_000; i++) {
            wall.addAndGet(i % 3 == 0 ? -7 : 1);
            long next = clock.tick();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        wall.set(-1);
        assertThat(clock.tick()).isGreaterThan(previous);
    }

    @Test
    void logicalOverflowCarriesIntoThePhysicalPart() {
        HybridLogicalClock clock = new HybridLogicalClock(() -> 10);
        long previous = clock.tick();
        for (int i = 0; i < 70_000; i++) {
            long next = clock.tick();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        assertThat(HybridLogicalClock.physicalMillis(previous)).isEqualTo(11);
    }

    @Test
    void ticksAfterObservingARemoteTimestampAreLater() {
        HybridLogicalClock clock = new HybridLogicalClock(() -> 1_000);
        long remote = (5_000L << 16) | 3;
        clock.observe(remote);
        assertThat(clock.tick()).isGreaterThan(remote);
        clock.observe(1);
        assertThat(clock.tick()).isEqualTo(remote + 2);
    }

    @Test
    void concurrentTicksAreUnique() throws Exception {
        HybridLogicalClock clock = new HybridLogicalClock(() -> 42);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> ticks = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        ticks.add(clock.tick());
                    }
                    return ticks;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                List<Long> ticks = f.get();
                for (int i = 1; i < ticks.size(); i++) {
                    assertThat(ticks.get(i)).isGreaterThan(ticks.get(i - 1));
                }
                all.addAll(ticks);
            }
            assertThat(all).hasSize(20_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
