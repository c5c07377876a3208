package io.arauto.intake.sftp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tells when a remote file has stopped changing: its size and modification time, as the server
 * lists them, have stayed the same for {@code stableFor} of this machine's own clock. The
 * server's clock is never compared with ours (a server running behind would make a file still
 * being written look old), and nothing waits: each poll looks once and moves on.
 */
public class StableFileWatch {

    private record Seen(long size, long modified, long sinceNanos) { }

    private final long stableForNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public StableFileWatch(Duration stableFor) {
        this(stableFor, System::nanoTime);
    }

    StableFileWatch(Duration stableFor, LongSupplier nanoTime) {
        this.stableForNanos = stableFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** True once {@code path} has had this size and time since at least {@code stableFor} ago. */
    public boolean isStable(String path, long size, long modified) {
        long now = nanoTime.getAsLong();
        Seen before = seen.get(path);
        if (before == null || before.size != size || before.modified != modified) {
            seen.put(path, new Seen(size, modified, now));
            return stableForNanos <= 0;
        }
        return now - before.sinceNanos >= stableForNanos;
    }

    /** The file was taken or is gone: a new file under the same name starts its wait afresh. */
    public void forget(String path) {
        seen.remove(path);
    }

    /**
     * Drops what it remembers of files first seen over an hour (or ten waits) ago, so names another
     * instance took do not pile up; a file still there just waits once more.
     */
    public void forgetStale() {
        long cutoff = nanoTime.getAsLong() - Math.max(Duration.ofHours(1).toNanos(), 10 * stableForNanos);
        seen.values().removeIf(s -> s.sinceNanos < cutoff);
    }
}
