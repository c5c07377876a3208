package io.arauto.send;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The places for batches handed to the sender threads: {@link #AT_ONCE} batches may have messages no sender
 * thread has taken yet. A batch's place is free once a thread took its last message ({@link #taken}), not once its
 * last answer came: Camel's parallel split hands out two batches' messages in turns, so the two would end together
 * and the threads would run dry while the next batch is taken and claimed. What is held in memory stays bounded: two
 * batches waiting, the next one being taken, and the messages the threads hold (arauto.send.concurrency).
 */
final class BatchPlaces {

    static final int AT_ONCE = 2;

    /** Each batch handed over (by identity) with messages not yet taken, and how many. */
    private final Map<List<?>, int[]> notYetTaken = new IdentityHashMap<>();

    /** Waits up to {@code nanos} for a free place; false when none came or {@code stopping} said so meanwhile. */
    synchronized boolean awaitPlace(long nanos, BooleanSupplier stopping) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (notYetTaken.size() >= AT_ONCE && !stopping.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 100_000_000L));
        }
        return notYetTaken.size() < AT_ONCE;
    }

    /** The batch takes a place; returns how many are taken now. */
    synchronized int handedOver(List<?> batch) {
        notYetTaken.put(batch, new int[] {batch.size()});
        return notYetTaken.size();
    }

    /** A sender thread took one of the batch's messages: true when that was its last, and its place is free. */
    synchronized boolean taken(List<?> batch) {
        int[] left = notYetTaken.get(batch);
        return left != null && --left[0] == 0 && free(batch);
    }

    /** The batch is done with (its last answer came, or it failed): its place is free if it was not already. */
    synchronized boolean free(List<?> batch) {
        if (notYetTaken.remove(batch) == null) {
            return false;
        }
        notifyAll();
        return true;
    }

    synchronized int held() {
        return notYetTaken.size();
    }
}
