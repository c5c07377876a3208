package io.arauto.send;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;

/**
 * Lets through the messages of a batch that may leave now: inside the send window in the
 * recipient's time ({@link SendWindow}) and within the daily tier ({@link DailyTier}). The others
 * stay QUEUED with the reason on their row and are not handed out again before they may go.
 *
 * <p>The tier is never exceeded although the next batch is taken while the last ones are still
 * being sent: the new numbers a batch was let through with stay reserved here until that batch is
 * done with ({@link #done}), by which time their claims (what the ledger counts) are committed. A
 * reserved number counts once: the reservations are read first, then, in one snapshot of the ledger
 * (a repeatable-read transaction), which of them the ledger already has and the ledger's count, so a
 * number claimed meanwhile is in exactly one of the two. (Read apart, a claim committed between the
 * two reads counted twice, and a campaign of exactly the tier's size had its last message held for a
 * day.) Only the dispatch timer's one thread admits. Several instances share one tier as long as one of
 * them sends at a time (the elected sender).
 */
@Component
public class SendGate {

    private static final Logger log = LoggerFactory.getLogger(SendGate.class);

    private final SendWindow window;
    private final DailyTier tier;
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final LedgerHealthIndicator ledger;
    private final Clock clock;
    private volatile boolean spent;
    /** New numbers let through per batch not yet done with (by identity: the list the route carries on). */
    private final Map<List<QueuedMessage>, Set<String>> reserved = Collections.synchronizedMap(new IdentityHashMap<>());

    /** Read-only, repeatable read: the reserved numbers the ledger has and the ledger's count, from one snapshot. */
    private final TransactionTemplate snapshot;

    public SendGate(SendWindow window, DailyTier tier, MessageLedger messages, CampaignLedger campaigns,
                    LedgerHealthIndicator ledger, Clock clock, PlatformTransactionManager transactions) {
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.window = window;
        this.tier = tier;
        this.messages = messages;
        this.campaigns = campaigns;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The messages of {@code batch} that may leave now, in order; the others are held in the ledger. */
    public List<QueuedMessage> admit(List<QueuedMessage> batch) {
        if (batch.isEmpty() || !window.limits() && !tier.limits()) {
            return batch;
        }
        try {
            Instant now = clock.instant();
            List<MessageLedger.Hold> holds = new ArrayList<>();
            List<QueuedMessage> admitted = withinBudget(inWindow(batch, now, holds), now, holds);
            if (!holds.isEmpty()) {
                messages.holdUntil(holds);
                ledger.written();
                holds.stream().map(MessageLedger.Hold::campaignId).distinct().forEach(campaigns::markDirty);
            }
            return admitted;
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return List.of(); // all stay QUEUED; the batch is taken again once the ledger is back
        }
    }

    private List<QueuedMessage> inWindow(List<QueuedMessage> batch, Instant now, List<MessageLedger.Hold> holds) {
        if (!window.limits()) {
            return batch;
        }
        List<QueuedMessage> open = new ArrayList<>(batch.size());
        for (QueuedMessage m : batch) {
            Optional<SendWindow.Closed> closed = window.closedFor(m.e164(), now);
            if (closed.isEmpty()) {
                open.add(m);
            } else {
                holds.add(new MessageLedger.Hold(m.campaignId(), m.row(), closed.get().opensAt(), closed.get().reason()));
            }
        }
        return open;
    }

    /** Numbers messaged in the last 24 hours go free; new ones while budget lasts. */
    private List<QueuedMessage> withinBudget(List<QueuedMessage> batch, Instant now, List<MessageLedger.Hold> holds) {
        if (!tier.limits() || batch.isEmpty()) {
            return batch;
        }
        tier.sweep(now);
        // the order of the reads matters: see the class comment
        Set<String> pending = reserved();
        DailyTier.Budget budget = snapshot.execute(t -> {
            if (!pending.isEmpty()) {
                pending.removeAll(messages.requestedSince(pending, now.minus(DailyTier.DAY)));
            }
            return tier.read(now);
        });
        int remaining = Math.max(0, budget.remaining() - pending.size());
        Set<String> phones = new LinkedHashSet<>();
        batch.forEach(m -> phones.add(m.e164()));
        Set<String> known = new HashSet<>(messages.requestedSince(phones, now.minus(DailyTier.DAY)));
        known.addAll(pending); // already paid for by the batch that holds it
        Set<String> newcomers = new HashSet<>();
        // the first number to age out frees the first place (or, none in the window, those of this batch do)
        Instant resumes = budget.freesAt() != null ? budget.freesAt() : now.plus(DailyTier.DAY);
        List<QueuedMessage> admitted = new ArrayList<>(batch.size());
        int waiting = 0;
        for (QueuedMessage m : batch) {
            if (known.contains(m.e164()) || newcomers.contains(m.e164())) {
                admitted.add(m);
            } else if (newcomers.size() < remaining) {
                newcomers.add(m.e164());
                admitted.add(m);
            } else {
                holds.add(new MessageLedger.Hold(m.campaignId(), m.row(), resumes, tier.waitingReason(resumes)));
                waiting++;
            }
        }
        tier.admitted(budget, newcomers.size(), now);
        logChange(waiting, !newcomers.isEmpty(), resumes);
        if (!newcomers.isEmpty()) {
            reserved.put(admitted, newcomers);
        }
        return admitted;
    }

    private Set<String> reserved() {
        synchronized (reserved) {
            Set<String> all = new HashSet<>();
            reserved.values().forEach(all::addAll);
            return all;
        }
    }

    /** The batch {@link #admit} let through is done with: its claims are in the ledger, which counts them from now on. */
    public void done(List<QueuedMessage> batch) {
        reserved.remove(batch);
    }

    /** One line when the limit is reached and one when sending to new numbers goes on, not one per batch. */
    private void logChange(int waiting, boolean newNumbersWent, Instant resumes) {
        if (waiting > 0 && !spent) {
            spent = true;
            log.info("Daily limit of {} recipients in 24 hours reached: messages to new numbers wait until about {}", tier.limit(), resumes);
        } else if (waiting == 0 && newNumbersWent && spent) {
            spent = false;
            log.info("Daily limit: sending to new numbers goes on");
        }
    }
}
