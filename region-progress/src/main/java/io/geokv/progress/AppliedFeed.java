package io.geokv.progress;

import io.geokv.position.LogPositions;
import io.geokv.store.postgres.StateReader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One region's applied positions, kept current: each commit's notification says where it moved the
 * offsets, and they are taken from it; the table is read again only when a notification says so (a
 * region emptied for a replay), when listening (re)starts, or when {@link #refresh} is called: one read
 * at a time, with requests that arrive during a read served by one more read after it (so none is
 * lost and none is repeated).
 */
final class AppliedFeed {

    private static final Logger log = LoggerFactory.getLogger(AppliedFeed.class);

    private final String region;
    private final StateReader reader;
    private final Duration readTimeout;
    private final Runnable onRead;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Optional<LogPositions> applied = Optional.empty();

    AppliedFeed(String region, StateReader reader, Duration readTimeout, Runnable onRead) {
        this.region = region;
        this.reader = reader;
        this.readTimeout = readTimeout;
        this.onRead = onRead;
    }

    /**
     * What the region had applied at the last read; empty when that read failed (a region that
     * cannot be asked cannot show that it has applied anything) or none has finished yet.
     */
    Optional<LogPositions> applied() {
        return applied;
    }

    /**
     * Follows the region's commit notifications, listening again after {@code backoff} when the
     * connection is lost. Each loss is followed by a read: notifications may have been missed, and
     * a region whose database went away must stop counting as having applied anything.
     */
    Disposable follow(Duration backoff) {
        return reader.appliedChanges()
                .doOnNext(moved -> moved.ifPresentOrElse(this::advance, this::refresh))
                .onErrorResume(e -> {
                    log.debug("region {}: not listening for applied positions: {}", region, e.toString());
                    return Mono.empty();
                })
                .doOnComplete(this::refresh)
                .repeatWhen(ended -> ended.delayElements(backoff))
                .subscribe();
    }

    /** Takes the offsets a commit moved to; reads the table when there is nothing to move from. */
    private void advance(LogPositions moved) {
        boolean known;
        synchronized (this) {
            known = applied.isPresent();
            if (known) {
                applied = Optional.of(applied.get().join(moved));
            }
        }
        if (known) {
            onRead.run();
        } else {
            refresh();
        }
    }

    void refresh() {
        requested.set(true);
        if (reading.compareAndSet(false, true)) {
            read();
        }
    }

    private void read() {
        requested.set(false);
        reader.appliedPositions()
                .timeout(readTimeout)
                .subscribe(
                        positions -> {
                            synchronized (this) {
                                applied = Optional.of(positions);
                            }
                            finished();
                        },
                        error -> {
                            if (applied.isPresent()) {
                                log.debug("region {}: applied positions unavailable: {}", region, error.toString());
                            }
                            synchronized (this) {
                                applied = Optional.empty();
                            }
                            finished();
                        });
    }

    private void finished() {
        onRead.run();
        reading.set(false);
        if (requested.get() && reading.compareAndSet(false, true)) {
            read();
        }
    }
}
