package io.arauto.send;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt when the provider named no time: {@code first},
 * doubling with each attempt up to {@code max}, then a random part of it taken off ("equal
 * jitter": between half and all of it), so messages that failed together do not all come back
 * in the same instant.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration first, Duration max) {
        this(first, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@code random} gives numbers in [0, 1). */
    Backoff(Duration first, Duration max, DoubleSupplier random) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalStateException("arauto.send.retry-backoff must be more than 0 and at most arauto.send.retry-backoff-max, not "
                    + first + " and " + max);
        }
        this.first = first;
        this.max = max;
        this.random = random;
    }

    /** The wait after the {@code attempt}-th failed attempt (1 for the first). */
    public Duration after(int attempt) {
        return ceiling(attempt).multipliedBy(500 + (long) (random.getAsDouble() * 500)).dividedBy(1000);
    }

    /** The wait without jitter: first × 2^(attempt-1), at most max. */
    Duration ceiling(int attempt) {
        Duration wait = first.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
