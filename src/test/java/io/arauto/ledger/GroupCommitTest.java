package io.arauto.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Many threads' writes in one commit: each caller returns only once its own item is committed, or fails with its group. */
class GroupCommitTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(10);
    /** For {@link #holdingTheFirstGroup}: its first group has begun; it may end. */
    private final CountDownLatch firstGroupIn = new CountDownLatch(1);
    private final CountDownLatch firstGroupMayEnd = new CountDownLatch(1);
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    GroupCommitTest() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:group-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        jdbc.execute("create table item (n integer primary key)");
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void anItemTheDatabaseRefusesFailsAloneAndTheOthersOfItsGroupAreWritten() throws Exception {
        CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            groups.add(items);
            if (items.contains(0)) {
                assertThat(opened(firstCommitMayEnd)).isTrue();
            }
            // 5 collides with 0, committed before: whatever order the nine came in, only 5 is refused
            items.forEach(n -> jdbc.update("insert into item (n) values (?)", n == 5 ? 0 : n));
            return items.stream().map(n -> true).toList();
        });
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        await().until(() -> groups.size() == 1);
        List<Future<Boolean>> others = new ArrayList<>();
        for (int n = 1; n <= 9; n++) {
            int item = n;
            others.add(threads.submit(() -> commit.submit(item)));
        }
        await().until(() -> commit.waiters() == 9);
        firstCommitMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (int n = 1; n <= 9; n++) {
            if (n == 5) {
                int failing = n - 1;
                assertThatThrownBy(() -> others.get(failing).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
                        org.springframework.dao.DuplicateKeyException.class);
            } else {
                assertThat(others.get(n - 1).get(10, TimeUnit.SECONDS)).as("item %d", n).isTrue();
            }
        }
        assertThat(jdbc.queryForList("select n from item order by n", Integer.class)).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9);
        assertThat(groups.stream().anyMatch(g -> g.size() > 1)).as("the nine came as one group first").isTrue();
    }

    @Test
    void writersThatArriveWhileACommitIsUnderwayShareTheNextOne() throws Exception {
        CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            groups.add(items);
            items.forEach(n -> jdbc.update("insert into item (n) values (?)", n));
            if (items.contains(0)) {
                assertThat(opened(firstCommitMayEnd)).isTrue();
            }
            return items.stream().map(n -> n % 2 == 0).toList();
        });

        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        await().until(() -> groups.size() == 1);
        List<Future<Boolean>> others = new ArrayList<>();
        for (int n = 1; n <= 9; n++) {
            int item = n;
            others.add(threads.submit(() -> commit.submit(item)));
        }
        await().until(() -> commit.waiters() == 9);
        // nobody returns before its own commit: the nine are still waiting while the first commit is held
        assertThat(others).noneMatch(Future::isDone);
        assertThat(jdbc.queryForObject("select count(*) from item", Integer.class)).isZero();

        firstCommitMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (int n = 1; n <= 9; n++) {
            assertThat(others.get(n - 1).get(10, TimeUnit.SECONDS)).as("item %d's own result", n).isEqualTo(n % 2 == 0);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(jdbc.queryForObject("select count(*) from item", Integer.class)).isEqualTo(10);
    }

    @Test
    void aFailedCommitFailsEveryWriterInItsGroupAndWritesNothing() throws Exception {
        GroupCommit<Integer, Boolean> commit = holdingTheFirstGroup(items -> {
            throw new IllegalStateException("disk full");
        });
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        assertThat(firstGroupIn.await(30, TimeUnit.SECONDS)).isTrue();
        List<Future<Boolean>> others = waitingBehind(commit, 3);
        firstGroupMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> other : others) {
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("disk full");
        }
        assertThat(jdbc.queryForList("select n from item", Integer.class)).containsExactly(0); // the failed group rolled back
    }

    /** Writes that come one by one, each a moment after the other, share a commit when the group lingers for them. */
    @Test
    void withALingerWritersArrivingOneByOneShareACommit() throws Exception {
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            groups.add(items);
            items.forEach(n -> jdbc.update("insert into item (n) values (?)", n));
            return Collections.nCopies(items.size(), true);
        }, java.time.Duration.ofSeconds(4));
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        List<Future<Boolean>> others = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            int item = n;
            await().until(() -> commit.waiters() == item - 1); // one after the other: the last has taken its place
            others.add(threads.submit(() -> commit.submit(item)));
        }
        await().until(() -> commit.waiters() == 4);
        assertThat(groups).as("nothing written while the first lingers").isEmpty();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    /** No connection at all (the ledger away): those who came in meanwhile fail with the group, not each group after a wait of its own. */
    @Test
    void withNoConnectionTheWritersWaitingMeanwhileFailAtOnce() throws Exception {
        CountDownLatch inFirstCommit = new CountDownLatch(1);
        CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            groups.add(items);
            inFirstCommit.countDown();
            assertThat(opened(firstCommitMayEnd)).isTrue();
            throw new org.springframework.transaction.CannotCreateTransactionException("Could not open JDBC Connection for transaction");
        });
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        assertThat(inFirstCommit.await(30, TimeUnit.SECONDS)).isTrue();
        List<Future<Boolean>> others = waitingBehind(commit, 3);
        firstCommitMayEnd.countDown();

        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.springframework.transaction.CannotCreateTransactionException.class);
        for (Future<Boolean> other : others) {
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.springframework.transaction.CannotCreateTransactionException.class);
        }
        assertThat(groups).as("one try, not one per group").hasSize(1);
    }

    /**
     * The database gone in the middle of a group's write (the connection broke, which looks like an item's own fault): its
     * items are tried alone until one finds no connection, and the rest then fail with it, not each after a wait of its own.
     */
    @Test
    void aGroupWhoseDatabaseWentAwayMidWriteFailsAfterOneLoneTryNotOnePerItem() throws Exception {
        CountDownLatch inFirstCommit = new CountDownLatch(1);
        CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            groups.add(items);
            if (items.contains(0)) {
                inFirstCommit.countDown();
                assertThat(opened(firstCommitMayEnd)).isTrue();
                return Collections.nCopies(items.size(), true);
            }
            if (items.size() > 1) {
                throw new IllegalStateException("the connection broke in the middle of the write");
            }
            throw new org.springframework.transaction.CannotCreateTransactionException("Could not open JDBC Connection for transaction");
        });
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        assertThat(inFirstCommit.await(30, TimeUnit.SECONDS)).isTrue();
        List<Future<Boolean>> others = waitingBehind(commit, 4);
        firstCommitMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> other : others) {
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.springframework.transaction.CannotCreateTransactionException.class);
        }
        assertThat(groups).as("the first group, the group of four, then one of them alone: no connection, so not the others")
                .hasSize(3);
        assertThat(groups.get(1)).hasSize(4);
    }

    /** A writer interrupted while it waits for the next group takes its item back; the group under way is not disturbed. */
    @Test
    void anInterruptedWriterWhoseItemIsNotYetInAGroupTakesItBack() throws Exception {
        GroupCommit<Integer, Boolean> commit = holdingTheFirstGroup(items -> Collections.nCopies(items.size(), true));
        Future<Boolean> first = threads.submit(() -> commit.submit(0));
        assertThat(firstGroupIn.await(30, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.atomic.AtomicReference<Object> interruptedOutcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread interrupted = new Thread(() -> {
            try {
                interruptedOutcome.set(commit.submit(1));
            } catch (InterruptedException e) {
                interruptedOutcome.set(e);
            }
        });
        interrupted.start();
        Future<Boolean> waiting = threads.submit(() -> commit.submit(2));
        await().until(() -> commit.waiters() == 2);
        interrupted.interrupt();
        interrupted.join(10_000);
        assertThat(interruptedOutcome.get()).isInstanceOf(InterruptedException.class);

        firstGroupMayEnd.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).as("the writer behind the interrupted one still gets its turn").isTrue();
        assertThat(jdbc.queryForList("select n from item order by n", Integer.class)).containsExactly(0, 2);
    }

    @Test
    void aLoneWriterCommitsAtOnce() throws Exception {
        GroupCommit<Integer, Boolean> commit = new GroupCommit<>(tx, items -> {
            items.forEach(n -> jdbc.update("insert into item (n) values (?)", n));
            return Collections.nCopies(items.size(), true);
        });
        assertThat(commit.submit(7)).isTrue();
        assertThat(jdbc.queryForList("select n from item", Integer.class)).containsExactly(7);
    }

    /**
     * A group commit that inserts its items and holds the group of item 0 (handed in first, alone) until firstGroupMayEnd
     * opens, saying so on firstGroupIn; every later group ends as {@code later} says.
     */
    private GroupCommit<Integer, Boolean> holdingTheFirstGroup(Function<List<Integer>, List<Boolean>> later) {
        return new GroupCommit<>(tx, items -> {
            items.forEach(n -> jdbc.update("insert into item (n) values (?)", n));
            if (items.contains(0)) {
                firstGroupIn.countDown();
                assertThat(opened(firstGroupMayEnd)).isTrue();
                return Collections.nCopies(items.size(), true);
            }
            return later.apply(items);
        });
    }

    /** Items 1..n handed in while a commit is under way: they wait, and the test goes on once all of them do. */
    private List<Future<Boolean>> waitingBehind(GroupCommit<Integer, Boolean> commit, int n) {
        List<Future<Boolean>> others = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int item = i;
            others.add(threads.submit(() -> commit.submit(item)));
        }
        await().until(() -> commit.waiters() == n);
        return others;
    }

    private static boolean opened(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
