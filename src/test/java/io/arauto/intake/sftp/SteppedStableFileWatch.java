package io.arauto.intake.sftp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SFTP intake's {@link StableFileWatch} for functional tests: its clock can be held still and
 * stepped by hand, and it counts how often the poller looked at each file, so a test can stall an
 * upload for "just under stable-for" without racing the real clock.
 */
public final class SteppedStableFileWatch extends StableFileWatch {

    private final Ticker ticker;
    private final Map<String, AtomicInteger> looks = new ConcurrentHashMap<>();

    public SteppedStableFileWatch(Duration stableFor) {
        this(stableFor, new Ticker());
    }

    private SteppedStableFileWatch(Duration stableFor, Ticker ticker) {
        super(stableFor, ticker::nanos);
        this.ticker = ticker;
    }

    @Override
    public boolean isStable(String path, long size, long modified) {
        looks.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        return super.isStable(path, size, modified);
    }

    /** How often the poller has looked at the file whose path ends with {@code pathEnd}. */
    public int looksAt(String pathEnd) {
        return looks.entrySet().stream().filter(e -> e.getKey().endsWith(pathEnd)).mapToInt(e -> e.getValue().get()).sum();
    }

    /** From now on the watch's clock stands still until {@link #step} or {@link #release}. */
    public void hold() {
        ticker.hold();
    }

    /** Moves the held clock on by {@code by}. */
    public void step(Duration by) {
        ticker.step(by);
    }

    /** The clock runs again, on from where it was held. */
    public void release() {
        ticker.release();
    }

    private static final class Ticker {
        private long offset;
        private Long heldAt;

        synchronized long nanos() {
            return heldAt != null ? heldAt : System.nanoTime() + offset;
        }

        synchronized void hold() {
            heldAt = nanos();
        }

        synchronized void step(Duration by) {
            if (heldAt == null) {
                throw new IllegalStateException("hold the clock first");
            }
            heldAt += by.toNanos();
        }

        synchronized void release() {
            if (heldAt != null) {
                offset = heldAt - System.nanoTime();
                heldAt = null;
            }
        }
    }
}
