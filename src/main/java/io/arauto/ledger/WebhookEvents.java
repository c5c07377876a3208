package io.arauto.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's inbox of webhook events (table {@code webhook_event}): each stored, body as it
 * arrived, before anyone is told it was received; applied later exactly once, the mark set in the
 * same transaction as the changes the event makes.
 */
@Component
public class WebhookEvents {

    /** Where an event came from: Meta's signed call, or the sandbox provider's own report. */
    public static final String META = "meta";
    public static final String SANDBOX = "sandbox";

    /** An event stored and not applied yet. */
    public record Stored(long id, String source, String payload) { }

    /** An event to store: its body, and when the sweeper may apply it. */
    public record Due(String payload, Instant dueAt) { }

    private record Incoming(String source, List<Due> events) { }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final GroupCommit<Incoming, List<Long>> inserts;
    /** The earliest due time (epoch ms, the ledger's clock) of events stored or left since the sweeper's last look. */
    private final java.util.concurrent.atomic.AtomicLong nextDue = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private volatile long lastLookNanos = System.nanoTime();
    /** The sweeper looks at least this often, whatever this instance stored. */
    static final java.time.Duration LOOK_ANYWAY = java.time.Duration.ofSeconds(5);

    public WebhookEvents(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        // events that arrive together share one commit (one write to disk), as the senders' claims do
        this.inserts = new GroupCommit<>(tx, this::insert);
    }

    /**
     * Stores an event, due at {@code dueAt} (when the sweeper may apply it), and returns its id once
     * it is committed; throws when the ledger did not take it.
     */
    public long store(String source, String payload, Instant dueAt) throws InterruptedException {
        return storeAll(source, List.of(new Due(payload, dueAt))).get(0);
    }

    /** Stores several events in one commit (shared with whatever else is being stored); their ids, in order. */
    public List<Long> storeAll(String source, List<Due> events) throws InterruptedException {
        List<Long> ids = inserts.submit(new Incoming(source, events));
        left(events); // committed: the sweeper looks again when the first of them is due
        return ids;
    }

    /**
     * Whether the sweeper should look for due events now: one stored since its last look, or left then, is due, or
     * {@link #LOOK_ANYWAY} passed (events another instance stored and could not apply). An idle Arauto then asks the
     * ledger nothing for seconds at a time instead of at every round.
     */
    public boolean worthALook() {
        return clock.millis() >= nextDue.get() || System.nanoTime() - lastLookNanos >= LOOK_ANYWAY.toNanos();
    }

    /** The sweeper begins a look: what is stored from now on sets the next one again. */
    public void lookBegins() {
        lastLookNanos = System.nanoTime();
        nextDue.set(Long.MAX_VALUE);
    }

    /** The sweeper's look is over: the next is due when the earliest event still not applied is. */
    public void lookEnds() {
        List<Timestamp> earliest = jdbc.query("select due_at from webhook_event where applied_at is null order by due_at "
                + "fetch first 1 rows only", (rs, i) -> rs.getTimestamp(1));
        if (!earliest.isEmpty()) {
            nextDue.accumulateAndGet(earliest.get(0).getTime(), Math::min);
        }
    }

    private List<List<Long>> insert(List<Incoming> batches) {
        Instant now = clock.instant();
        List<List<Long>> ids = new ArrayList<>(batches.size());
        for (Incoming batch : batches) {
            ids.add(insert(batch.source(), batch.events(), now, null));
        }
        return ids;
    }

    /**
     * Stores events in the caller's transaction (one batch of inserts), received now, and already applied at
     * {@code appliedAt} when the caller applies them in the same transaction (null: not applied yet); their ids, in order.
     * Once the transaction is committed, {@link #left} tells the sweeper about those not applied.
     */
    public List<Long> insert(String source, List<Due> events, Instant receivedAt, Instant appliedAt) {
        Timestamp received = Timestamp.from(receivedAt);
        Timestamp applied = appliedAt == null ? null : Timestamp.from(appliedAt);
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.batchUpdate(con -> con.prepareStatement("insert into webhook_event (source, received_at, due_at, applied_at, payload) "
                + "values (?, ?, ?, ?, ?)", new String[] {"id"}), new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        ps.setString(1, source);
                        ps.setTimestamp(2, received);
                        ps.setTimestamp(3, Timestamp.from(events.get(i).dueAt()));
                        ps.setTimestamp(4, applied);
                        ps.setString(5, events.get(i).payload());
                    }

                    @Override
                    public int getBatchSize() {
                        return events.size();
                    }
                }, keys);
        List<Long> ids = new ArrayList<>(events.size());
        keys.getKeyList().forEach(key -> ids.add(((Number) key.values().iterator().next()).longValue()));
        if (ids.size() != events.size()) {
            throw new IllegalStateException("the ledger gave " + ids.size() + " ids for " + events.size() + " stored webhook events");
        }
        return ids;
    }

    /** Events stored unapplied and committed (see {@link #insert}): the sweeper looks again when the first of them is due. */
    public void left(List<Due> events) {
        events.stream().mapToLong(e -> e.dueAt().toEpochMilli()).min().ifPresent(due -> nextDue.accumulateAndGet(due, Math::min));
    }

    /** Up to {@code limit} events not applied yet whose time has come, oldest first. */
    public List<Stored> due(int limit) {
        return jdbc.query("select id, source, payload from webhook_event where applied_at is null and due_at <= ? "
                        + "order by due_at, id fetch first " + limit + " rows only",
                (rs, i) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3)), Timestamp.from(clock.instant()));
    }

    /**
     * Marks the event applied; call it first in the transaction that applies it. False when it was
     * applied already (or is being applied: the row stays locked until that transaction ends).
     */
    public boolean markApplied(long id) {
        return jdbc.update("update webhook_event set applied_at = ? where id = ? and applied_at is null",
                Timestamp.from(clock.instant()), id) == 1;
    }

    /** Whether the event has been applied (tests, tools). */
    public boolean applied(long id) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select applied_at is not null from webhook_event where id = ?", Boolean.class, id));
    }

    /** Forgets events applied before {@code before}: the table keeps what is recent, for inspection. */
    public int forgetAppliedBefore(Instant before) {
        return jdbc.update("delete from webhook_event where applied_at < ?", Timestamp.from(before));
    }
}
