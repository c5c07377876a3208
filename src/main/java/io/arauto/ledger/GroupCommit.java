package io.arauto.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the ledger writes of many threads into one transaction, so one commit (one write to disk)
 * makes a whole group durable. A thread hands in its item and waits; whichever waiting thread gets
 * the turn first writes every item handed in so far, in one transaction, and wakes their threads when it
 * is committed. A caller returns only once the commit holding its item returned (or failed: when
 * the write itself threw, each item is written again alone, so an item the database refuses fails
 * only itself, until one alone finds the database away; when the commit or the database failed, every item of the group failed, and with the database away
 * so did those waiting by then, rather than each group waiting for a connection in turn). Nothing waits for a timer: a lone thread commits
 * at once, and under load the groups grow by themselves while the previous commit is on its way. With a
 * {@code linger}, the thread whose turn it is first waits until its item has waited that long, so that writes
 * arriving one by one in quick succession (a message's outcome every millisecond at 1,000/s, each after its
 * own answer) share a commit instead of paying one each.
 *
 * @param <T> what a caller hands in
 * @param <R> what it gets back, one per item, in order
 */
public final class GroupCommit<T, R> {

    private final TransactionTemplate tx;
    private final Function<List<T>, List<R>> write;
    private final ReentrantLock turn = new ReentrantLock();
    private final Object queue = new Object();
    private List<Waiting<T, R>> waiting = new ArrayList<>();
    private final long lingerNanos;
    private final AtomicInteger parked = new AtomicInteger();

    /** {@code write} runs inside the transaction and returns one result per item. */
    public GroupCommit(TransactionTemplate tx, Function<List<T>, List<R>> write) {
        this(tx, write, java.time.Duration.ZERO);
    }

    /** The same, each group waiting up to {@code linger} after its oldest item came in, for others to join it. */
    public GroupCommit(TransactionTemplate tx, Function<List<T>, List<R>> write, java.time.Duration linger) {
        this.tx = tx;
        this.write = write;
        this.lingerNanos = linger.toNanos();
    }

    /**
     * Writes {@code item} durably with whatever else is waiting. Throws what the write or the
     * commit threw. An interrupted caller whose item is not yet in a group takes it back; one already
     * in a group is written with it.
     */
    public R submit(T item) throws InterruptedException {
        Waiting<T, R> mine = new Waiting<>(item, Thread.currentThread());
        synchronized (queue) {
            waiting.add(mine);
        }
        // one thread at a time leads: it writes and commits the group; the others wait without queueing for the lead, so a
        // commit's writers are woken at once when it returns, not handed the lead one after the other to find their item done
        boolean interrupted = false;
        while (!mine.done) {
            if (turn.tryLock()) {
                try {
                    if (!mine.done) {
                        linger(mine);
                        List<Waiting<T, R>> group;
                        synchronized (queue) {
                            group = waiting;
                            waiting = new ArrayList<>();
                        }
                        commit(group);
                    }
                } finally {
                    turn.unlock();
                }
                wakeNextLead();
            } else {
                parked.incrementAndGet();
                LockSupport.park(this);
                parked.decrementAndGet();
                if (Thread.interrupted()) {
                    if (!mine.done && takeBack(mine)) {
                        throw new InterruptedException();
                    }
                    interrupted = true; // its group is being written: it waits for it, and keeps the interruption
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** The oldest waiting item's thread is woken to lead the next group (it may find itself done, or lead). */
    private void wakeNextLead() {
        Waiting<T, R> next;
        synchronized (queue) {
            next = waiting.isEmpty() ? null : waiting.get(0);
        }
        if (next != null) {
            LockSupport.unpark(next.thread);
        }
    }

    /** An interrupted caller's item not yet taken into a group: taken out of the queue (true), or already taken (false). */
    private boolean takeBack(Waiting<T, R> mine) {
        boolean taken;
        synchronized (queue) {
            taken = waiting.remove(mine);
        }
        if (taken) {
            wakeNextLead(); // it may have been woken to lead
        }
        return taken;
    }

    /** Lets others join the group until {@code mine}, its oldest or younger, waited the linger (not on an interrupt). */
    private void linger(Waiting<T, R> mine) {
        long until = mine.since + lingerNanos;
        for (long left = until - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
             left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Callers waiting for a group to take and commit their item (tests). */
    int waiters() {
        return parked.get();
    }

    private void commit(List<Waiting<T, R>> group) {
        boolean[] writing = {false, false}; // the write began; the write returned
        try {
            List<R> results = tx.execute(t -> {
                writing[0] = true;
                List<R> written = write.apply(group.stream().map(w -> w.item).toList());
                writing[1] = true;
                return written;
            });
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result = results.get(i);
            }
        } catch (RuntimeException | Error e) {
            if (group.size() > 1 && writing[0] && !writing[1] && ownFault(e)) {
                // one item the database refuses (a value it cannot take, a failing callback) fails only itself; but once
                // one alone finds the database away (the write had broken on a dead connection), the rest fail with it
                // rather than each waiting for a connection in turn
                for (int i = 0; i < group.size(); i++) {
                    commit(List.of(group.get(i)));
                    RuntimeException alone = group.get(i).failure;
                    if (alone != null && !ownFault(alone)) {
                        group.subList(i + 1, group.size()).forEach(w -> w.failure = alone);
                        return;
                    }
                }
                return;
            }
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            group.forEach(w -> w.failure = failure);
            if (!ownFault(e)) {
                // the database is away: those who came in meanwhile would only wait for a connection again, one group
                // after the other; they fail with this group (each caller decides whether to try again)
                List<Waiting<T, R>> meanwhile;
                synchronized (queue) {
                    meanwhile = waiting;
                    waiting = new ArrayList<>();
                }
                meanwhile.forEach(w -> {
                    w.failure = failure;
                    settle(w);
                });
            }
        } finally {
            group.forEach(GroupCommit::settle);
        }
    }

    /** Not the database going away (then every item would fail alone as well, each after its own wait). */
    private static boolean ownFault(Throwable e) {
        // (no connection for the transaction at all is the database away too: Spring says so with CannotCreateTransactionException)
        return !(e instanceof DataAccessResourceFailureException) && !(e instanceof TransientDataAccessException)
                && !(e instanceof CannotCreateTransactionException);
    }

    /** Its result or failure is set: the volatile write makes them visible to its thread, woken here. */
    private static void settle(Waiting<?, ?> w) {
        w.done = true;
        if (w.thread != Thread.currentThread()) {
            LockSupport.unpark(w.thread);
        }
    }

    private static final class Waiting<T, R> {
        final T item;
        final Thread thread;
        final long since = System.nanoTime();
        volatile boolean done;
        R result;
        RuntimeException failure;

        Waiting(T item, Thread thread) {
            this.item = item;
            this.thread = thread;
        }
    }
}
