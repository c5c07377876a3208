package io.arauto.ledger;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Whether the ledger can be written, for the senders and for {@code /actuator/health} ("ledger").
 * Nothing is sent while it cannot: a message may only leave once its SENDING mark is committed,
 * so the senders ask here first and report every failed write here. While it is down, a probe (a
 * real committed write, not a {@code select 1}: a database closed after an error, a full disk or
 * a read-only file still answer selects) tells when it is back. The log gets one line when it goes
 * down and one when it is back, never one per attempt.
 */
@Component
public class LedgerHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(LedgerHealthIndicator.class);
    /** While up, health probes the ledger itself when nothing has written to it for this long. */
    private static final Duration IDLE_PROBE = Duration.ofSeconds(10);

    private record State(boolean up, String reason, Instant since) { }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** While down, probes come at most this often, however many pollers ask. */
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    private volatile State state;
    private volatile Instant lastWrite;
    private volatile Instant lastProbe = Instant.EPOCH;

    public LedgerHealthIndicator(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.state = new State(true, null, clock.instant());
        this.lastWrite = clock.instant();
    }

    public boolean isUp() {
        return state.up;
    }

    /** A write to the ledger went through. */
    public void written() {
        lastWrite = clock.instant();
        State before = state;
        if (!before.up) {
            state = new State(true, null, lastWrite);
            log.info("The ledger can be written again (it could not since {}); sending goes on", before.since);
        }
    }

    /** A write to the ledger failed: nothing is sent until a probe or a write goes through again. */
    public void failed(Throwable cause) {
        String reason = describe(cause);
        State before = state;
        if (before.up || !before.reason.equals(reason)) {
            state = new State(false, reason, before.up ? clock.instant() : before.since);
            if (before.up) {
                log.warn("The ledger cannot be written ({}). No message is sent until it can; Arauto keeps trying.", reason);
            }
        }
    }

    /** Up, or back up: while down, a probe at most every second tells (the senders and the intake pollers ask here). */
    public boolean upOrBack() {
        if (state.up) {
            return true;
        }
        Instant now = clock.instant();
        if (Duration.between(lastProbe, now).compareTo(PROBE_EVERY) < 0) {
            return false;
        }
        return probe();
    }

    /** Up now? Tries a committed write, and says how that went. */
    public boolean probe() {
        lastProbe = clock.instant();
        try {
            tx.executeWithoutResult(t -> jdbc.update("update ledger_probe set written_at = ? where id = 1", Timestamp.from(clock.instant())));
            written();
            return true;
        } catch (DataAccessException | org.springframework.transaction.TransactionException e) {
            failed(e);
            return false;
        }
    }

    @Override
    public Health health() {
        if (state.up && Duration.between(lastWrite, clock.instant()).compareTo(IDLE_PROBE) > 0) {
            probe();
        }
        State now = state;
        if (now.up) {
            return Health.up().withDetail("lastWrite", lastWrite.toString()).build();
        }
        return Health.down()
                .withDetail("reason", "The ledger cannot be written: " + now.reason + ". No message is sent until it can.")
                .withDetail("since", now.since.toString())
                .build();
    }

    /** The innermost message, which is the one that names what went wrong (refused connection, closed database, full disk). */
    public static String describe(Throwable cause) {
        Throwable inner = cause;
        String text = null;
        for (int depth = 0; inner != null && depth < 20; inner = inner.getCause(), depth++) {
            if (inner.getMessage() != null && !inner.getMessage().isBlank()) {
                text = inner.getMessage();
            }
        }
        if (text == null) {
            return "the database did not say why";
        }
        text = text.strip();
        int line = text.indexOf('\n');
        text = line > 0 ? text.substring(0, line) : text;
        return text.length() > 300 ? text.substring(0, 299) + "…" : text;
    }
}
