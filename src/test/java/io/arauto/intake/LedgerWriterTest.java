package io.arauto.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

class LedgerWriterTest {

    private final List<Integer> written = Collections.synchronizedList(new ArrayList<>());

    @Test
    void writesEveryBatchInFileOrderBeforeFinishReturns() {
        LedgerWriter<List<JudgedRow>> writer = new LedgerWriter<List<JudgedRow>>("test-writer", rows -> {
            sleep(1); // slower than the caller, so batches queue up
            rows.forEach(r -> written.add(r.row()));
        });
        for (int batch = 0; batch < 50; batch++) {
            writer.write(batch(batch * 10 + 2, 10));
        }
        writer.finish();
        assertThat(written).containsExactlyElementsOf(IntStream.range(2, 502).boxed().toList());
    }

    @Test
    void aFailedInsertComesBackAsItWasAndStopsTheWriting() {
        IllegalStateException broken = new IllegalStateException("disk full");
        LedgerWriter<List<JudgedRow>> writer = new LedgerWriter<List<JudgedRow>>("test-writer", rows -> {
            if (rows.get(0).row() == 12) {
                throw broken;
            }
            rows.forEach(r -> written.add(r.row()));
        });
        writer.write(batch(2, 10));
        writer.write(batch(12, 10));
        assertThatThrownBy(() -> {
            for (int batch = 2; batch < 1000; batch++) { // the failure surfaces at a later write at the latest...
                writer.write(batch(batch * 10 + 2, 10));
            }
            writer.finish(); // ...or here
        }).isSameAs(broken);
        writer.abort();
        assertThat(written).containsExactlyElementsOf(IntStream.range(2, 12).boxed().toList());
    }

    @Test
    void abortDropsWaitingBatchesAndReturnsOnlyOnceTheOneBeingWrittenIsIn() throws InterruptedException {
        CountDownLatch inFirstInsert = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LedgerWriter<List<JudgedRow>> writer = new LedgerWriter<List<JudgedRow>>("test-writer", rows -> {
            inFirstInsert.countDown();
            await(release);
            rows.forEach(r -> written.add(r.row()));
        });
        writer.write(batch(2, 10));
        writer.write(batch(12, 10));
        assertThat(inFirstInsert.await(5, TimeUnit.SECONDS)).isTrue();
        Thread aborter = new Thread(writer::abort, "aborter");
        aborter.start();
        // the first insert goes on only once abort() is waiting for it: then the batch behind it must be dropped
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> waitingForTheWriter(aborter));
        assertThat(written).as("abort() waits while a batch is being written").isEmpty();
        release.countDown();
        aborter.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(aborter.isAlive()).as("abort() returned once the batch being written was in").isFalse();
        assertThat(written).as("the batch being written when abort was called, and nothing after it")
                .containsExactlyElementsOf(IntStream.range(2, 12).boxed().toList());
    }

    /** True once {@code thread} is inside abort(), waiting for the writer thread to end. */
    private static boolean waitingForTheWriter(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING
                && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().equals("awaitTermination"));
    }

    private static List<JudgedRow> batch(int firstRow, int size) {
        List<JudgedRow> rows = new ArrayList<>();
        for (int row = firstRow; row < firstRow + size; row++) {
            rows.add(new JudgedRow(row, "11987654321", "+5511987654321", MessageStatus.QUEUED, null, List.of("11987654321")));
        }
        return rows;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
