package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.MessageLedger;

/**
 * {@code arauto.send.daily-limit}: how many more numbers may get a business-initiated message now,
 * Meta's messaging tier. Counted from the ledger, so every instance sharing it counts the same:
 * each number with a claim (a request that may have left, whatever became of it) in the last 24
 * hours, once however many messages it got ({@code recipient_request}: one row per claim, written
 * with it).
 * Read again for every batch that is to go.
 */
@Component
public class DailyTier {

    static final Duration DAY = Duration.ofHours(24);
    /** Health and metrics read a budget at most this old; the sender always reads the ledger. */
    private static final long CACHED_NANOS = Duration.ofSeconds(5).toNanos();
    private static final DateTimeFormatter AROUND = DateTimeFormatter.ofPattern("HH:mm z");

    /**
     * What is left of the limit: {@code used} numbers in the last 24 hours, {@code freesAt} when the
     * first of them ages out (null when none did get one).
     */
    public record Budget(int limit, int used, Instant freesAt) {
        public int remaining() {
            return Math.max(0, limit - used);
        }
    }

    private final MessageLedger messages;
    private final Clock clock;
    private final int limit;
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);
    private volatile Budget last;
    private volatile Instant lastSweep;
    private volatile long lastReadNanos;

    public DailyTier(MessageLedger messages, Clock clock, ArautoProperties properties) {
        this.messages = messages;
        this.clock = clock;
        this.limit = properties.getSend().getDailyLimit();
        if (limit < 0) {
            throw new IllegalStateException("arauto.send.daily-limit must be 0 (no limit) or more, not " + limit);
        }
    }

    /** Whether a limit is set at all. */
    public boolean limits() {
        return limit > 0;
    }

    public int limit() {
        return limit;
    }

    /** The budget as the ledger has it now. */
    public Budget read(Instant now) {
        MessageLedger.Recipients recent = messages.recipientsSince(now.minus(DAY));
        Budget budget = new Budget(limit, recent.count(), recent.oldestLastRequest() == null ? null : recent.oldestLastRequest().plus(DAY));
        last = budget;
        lastReadNanos = System.nanoTime();
        return budget;
    }

    /** Forgets, at most once an hour, the requests that no longer count, so the count stays one short range. */
    void sweep(Instant now) {
        if (lastSweep == null || !now.isBefore(lastSweep.plus(SWEEP_EVERY))) {
            messages.forgetRequestsBefore(now.minus(DAY));
            lastSweep = now;
        }
    }

    /**
     * The sender let {@code newcomers} new numbers through on {@code budget}: what the ledger counts
     * once they are claimed, so health and metrics do not show the budget from before them.
     */
    void admitted(Budget budget, int newcomers, Instant now) {
        if (newcomers > 0) {
            last = new Budget(limit, budget.used() + newcomers, budget.freesAt() != null ? budget.freesAt() : now.plus(DAY));
            lastReadNanos = System.nanoTime();
        }
    }

    /** The budget read within the last few seconds (by the sender or by this call), for health and metrics. */
    public Budget recent() {
        Budget budget = last;
        if (budget == null || System.nanoTime() - lastReadNanos > CACHED_NANOS) {
            budget = read(clock.instant());
        }
        return budget;
    }

    /** The reason a message waits for budget until {@code resumesAt}. */
    public String waitingReason(Instant resumesAt) {
        return "Waiting: the daily limit of " + limit + " recipients in 24 hours is reached; sending resumes around "
                + AROUND.format(resumesAt.atZone(ZoneId.systemDefault())) + ".";
    }
}
