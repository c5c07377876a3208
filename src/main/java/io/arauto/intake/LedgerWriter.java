package io.arauto.intake;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes one file's judged batches to the ledger on a thread of its own, one at a time and in file
 * order, so the next batch is read and judged while this one is inserted (measured: the insert is
 * two thirds of a CSV intake). At most {@value #WAITING} batches wait. The first failed insert stops
 * the writing and is thrown, as it was, from the next {@link #write} or from {@link #finish}.
 * The writer thread is never interrupted: an interrupt in the middle of I/O can close H2's file. {@code B}: a batch.
 */
final class LedgerWriter<B> {

    static final int WAITING = 2;

    private final Consumer<B> insert;
    private final ExecutorService thread;
    private final Semaphore room = new Semaphore(WAITING);
    private volatile Throwable failure;
    private volatile boolean aborted;

    LedgerWriter(String name, Consumer<B> insert) {
        this.insert = insert;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands a batch over; waits while {@value #WAITING} batches are still waiting. */
    void write(B rows) {
        rethrowFailure();
        room.acquireUninterruptibly();
        thread.execute(() -> {
            try {
                if (failure == null && !aborted) {
                    insert.accept(rows);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                room.release();
            }
        });
    }

    /** Returns once every batch is in the ledger, or throws the insert that failed. */
    void finish() {
        stopAndWait();
        rethrowFailure();
    }

    /** Drops the batches still waiting; once this returns, nothing more reaches the ledger. */
    void abort() {
        aborted = true;
        stopAndWait();
    }

    private void stopAndWait() {
        thread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // the batch being written ends soon; returning earlier would let it land after a reject
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }
}
