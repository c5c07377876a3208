package io.arauto.intake.sftp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A remote file counts as complete once its size and time have not changed for stable-for of our own clock. */
class StableFileWatchTest {

    private final AtomicLong nanos = new AtomicLong();
    private final StableFileWatch watch = new StableFileWatch(Duration.ofSeconds(30), nanos::get);

    @Test
    void aFileMustStayTheSameForTheWholeWait() {
        assertThat(watch.isStable("/inbox/t/a.csv", 100, 1_000)).isFalse(); // first sight
        after(Duration.ofSeconds(20));
        assertThat(watch.isStable("/inbox/t/a.csv", 100, 1_000)).isFalse();
        after(Duration.ofSeconds(10));
        assertThat(watch.isStable("/inbox/t/a.csv", 100, 1_000)).isTrue();
    }

    @Test
    void anyChangeStartsTheWaitAgain() {
        watch.isStable("/inbox/t/b.csv", 100, 1_000);
        after(Duration.ofSeconds(29));
        assertThat(watch.isStable("/inbox/t/b.csv", 200, 1_000)).isFalse(); // grew after a 29 s stall
        after(Duration.ofSeconds(29));
        assertThat(watch.isStable("/inbox/t/b.csv", 200, 2_000)).isFalse(); // same size, touched again
        after(Duration.ofSeconds(30));
        assertThat(watch.isStable("/inbox/t/b.csv", 200, 2_000)).isTrue();
    }

    @Test
    void theServersClockIsNeverComparedWithOurs() {
        // a modification time far in the past (a server whose clock is behind) does not make a new file look finished
        assertThat(watch.isStable("/inbox/t/c.csv", 100, 0)).isFalse();
        after(Duration.ofSeconds(5));
        assertThat(watch.isStable("/inbox/t/c.csv", 100, 0)).isFalse();
    }

    @Test
    void aTakenFileIsForgottenAndANewOneUnderItsNameWaitsAfresh() {
        watch.isStable("/inbox/t/d.csv", 100, 1_000);
        after(Duration.ofSeconds(30));
        assertThat(watch.isStable("/inbox/t/d.csv", 100, 1_000)).isTrue();
        watch.forget("/inbox/t/d.csv");
        assertThat(watch.isStable("/inbox/t/d.csv", 100, 1_000)).isFalse();
    }

    @Test
    void zeroMeansAtFirstSight() {
        assertThat(new StableFileWatch(Duration.ZERO, nanos::get).isStable("/inbox/t/e.csv", 1, 1)).isTrue();
    }

    private void after(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
