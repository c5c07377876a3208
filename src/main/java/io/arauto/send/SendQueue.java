package io.arauto.send;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.verdict.MessageStatus;

/**
 * Hands out the next messages to send, oldest campaign first and in row order, after checking
 * the opt-out lists once more. Settles a campaign once nothing of it is waiting.
 */
@Component
public class SendQueue {

    private static final Logger log = LoggerFactory.getLogger(SendQueue.class);

    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final io.arauto.optout.OptOutList optOuts;
    private final AuditLog audit;
    private final int batchSize;
    private final MessageSender sender;
    private final LedgerHealthIndicator ledger;
    private final SendBrake brake;
    /** The last row handed out per campaign, so each batch reads on instead of scanning from the top. */
    private final Map<Long, Integer> cursors = new ConcurrentHashMap<>();
    private final Map<Long, Long> progressLoggedAt = new ConcurrentHashMap<>();
    /** Per campaign, its messages handed to send-batch and not yet done with: they may still be QUEUED (not yet claimed). */
    private final Map<Long, Integer> handedOver = new ConcurrentHashMap<>();
    /** Two batches at most wait for the sender threads (BatchPlaces). */
    private final BatchPlaces places = new BatchPlaces();
    private static final long WAIT_FOR_A_PLACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    /** Since the start: the first message goes alone (COLD, FIRST_OUT), then a quiet second (QUIET), then full batches. */
    private enum Start { COLD, FIRST_OUT, QUIET, WARM }
    private static final java.time.Duration QUIET = java.time.Duration.ofMillis(1_010);
    /** Moved on by the dispatch timer's one thread (nextBatch) and, once, by the first batch's sender (batchDone). */
    private volatile Start start = Start.COLD;
    private volatile long quietUntil;
    /** The campaign that got the last share of the last batch: the next batch begins after it. */
    private volatile long lastServed;
    private static final long PROGRESS_EVERY = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    public SendQueue(CampaignLedger campaigns, MessageLedger messages, io.arauto.optout.OptOutList optOuts,
                     AuditLog audit, ArautoProperties properties, MessageSender sender, LedgerHealthIndicator ledger,
                     SendBrake brake) {
        this.sender = sender;
        this.brake = brake;
        this.ledger = ledger;
        this.campaigns = campaigns;
        this.messages = messages;
        this.optOuts = optOuts;
        this.audit = audit;
        // a batch is opt-out-checked once, so it holds a second's worth of sending at most: the next one is taken while it
        // is sent (see moreDue), so an opt-out never waits long and the pace never waits for a batch
        this.batchSize = Math.max(1, Math.min(properties.getSend().getBatchSize(), properties.getSend().getRate()));
    }

    /**
     * The next batch, or none while the ledger cannot be written (a probe tells when it is back) or
     * Arauto is stopping. It waits while two batches have messages no sender thread took yet (route send-batch), so the
     * messages held in memory never exceed three batches and those the threads hold, whatever the rate and batch size.
     */
    public List<QueuedMessage> nextBatch() throws InterruptedException {
        if (!placeForABatch()) {
            return List.of(); // two batches still waiting for the threads: the next poll asks again
        }
        if (sender.stopping() || !ledger.upOrBack() || !brake.mayTakeBatch()) {
            return List.of(); // Meta's rate limits or an account error hold all sending (SendBrake)
        }
        if (start == Start.FIRST_OUT) {
            return List.of(); // the first message since the start is still out: see batchDone
        }
        if (start == Start.QUIET) {
            if (System.nanoTime() < quietUntil) {
                return List.of(); // the second after the first message: see batchDone
            }
            start = Start.WARM;
        }
        brake.newBatch();
        try {
            return takeBatch(start == Start.WARM ? batchSize : 1);
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return List.of();
        }
    }

    /**
     * Fills the batch across the active campaigns in turns: each campaign with work takes an equal
     * share, what one cannot use goes to the others, and the next batch starts with the campaign
     * after the last one served, so a small file behind a big campaign goes within a batch or two.
     */
    private List<QueuedMessage> takeBatch(int batchSize) {
        List<Long> active = inTurn(campaigns.sendingNow());
        List<Long> withWork = new ArrayList<>(active);
        List<QueuedMessage> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && !withWork.isEmpty()) {
            int share = Math.max(1, (batchSize - batch.size()) / withWork.size());
            for (Iterator<Long> it = withWork.iterator(); it.hasNext() && batch.size() < batchSize; ) {
                long campaign = it.next();
                List<QueuedMessage> slice = next(campaign, Math.min(share, batchSize - batch.size()));
                if (slice.isEmpty()) {
                    it.remove();
                    if (!sentFrom(batch, campaign)) {
                        settle(campaign);
                    }
                    continue;
                }
                batch.addAll(slice);
                lastServed = campaign;
                if (slice.size() < share) {
                    it.remove(); // nothing more of it is due now
                }
            }
        }
        return batch.isEmpty() ? batch : withoutOptedOut(batch);
    }

    /** The active campaigns starting after the one served last, then round again. */
    private List<Long> inTurn(List<Long> active) {
        List<Long> turn = new ArrayList<>(active.size());
        active.stream().filter(id -> id > lastServed).forEach(turn::add);
        active.stream().filter(id -> id <= lastServed).forEach(turn::add);
        return turn;
    }

    /** Up to {@code limit} due messages of one campaign, reading on from its cursor, then from the top for retries that came due. */
    private List<QueuedMessage> next(long campaign, int limit) {
        int cursor = cursors.getOrDefault(campaign, 0);
        List<QueuedMessage> slice = messages.queued(campaign, cursor, limit);
        if (slice.isEmpty() && cursor > 0 && !handedOver.containsKey(campaign)) {
            // (not while a batch handed over may still hold its messages QUEUED: they would be taken twice)
            cursors.remove(campaign); // back to the top for messages waiting for a retry
            slice = messages.queued(campaign, 0, limit);
        }
        if (!slice.isEmpty()) {
            cursors.put(campaign, slice.get(slice.size() - 1).row());
        }
        return slice;
    }

    private static boolean sentFrom(List<QueuedMessage> batch, long campaign) {
        for (QueuedMessage m : batch) {
            if (m.campaignId() == campaign) {
                return true;
            }
        }
        return false;
    }

    /** Waits, a while at most, for a place for the next batch (BatchPlaces); false when Arauto stops meanwhile. */
    private boolean placeForABatch() throws InterruptedException {
        return places.awaitPlace(WAIT_FOR_A_PLACE_NANOS, sender::stopping);
    }

    /** The batch goes to send-batch now: until {@link #batchDone} its messages are not taken again. */
    public List<QueuedMessage> handOver(List<QueuedMessage> batch) {
        int now = places.handedOver(batch);
        log.debug("A batch of {} messages handed over to be sent ({} with messages not yet taken)", batch.size(), now);
        if (start == Start.COLD) {
            start = Start.FIRST_OUT; // (not before: a first message held back by the window or the tier goes nowhere)
        }
        batch.forEach(m -> handedOver.merge(m.campaignId(), 1, Integer::sum));
        return batch;
    }

    /** A sender thread took one of the batch's messages (the first step of send-batch's split): the last one frees its place. */
    public void pickedUp(List<QueuedMessage> batch) {
        if (places.taken(batch)) {
            log.debug("Every message of a batch of {} taken by a sender thread ({} batches waiting for them)", batch.size(),
                    places.held());
        }
    }

    /**
     * Whether the next batch should be taken at once, without waiting for the poll interval: this
     * one (what the send window and the daily tier let through) was full, so more is due.
     */
    public boolean moreDue(List<QueuedMessage> admitted) {
        return start == Start.WARM && admitted.size() >= batchSize && sender.mayClaim() && brake.mayTakeBatch() && brake.halt() == null;
    }

    /** After a batch went out: reports need rewriting, and on long campaigns the operator hears how far it got. */
    public void batchDone(List<QueuedMessage> batch) {
        places.free(batch); // (when a message of it was not counted as taken: a failure before its first step)
        batch.forEach(m -> handedOver.computeIfPresent(m.campaignId(), (campaign, n) -> n == 1 ? null : n - 1));
        if (start == Start.FIRST_OUT) {
            // the first message since the start went alone and is answered: the whole path (code, connection) is warm.
            // Nothing more leaves for a second, so the cold start that held it up on its way cannot bunch it with the
            // next second's requests: Meta sees no more than arauto.send.rate in any second from the first one on.
            quietUntil = System.nanoTime() + QUIET.toNanos();
            start = Start.QUIET;
        }
        if (sender.stopping() || !ledger.isUp()) {
            return; // nothing to mark that the next batch that goes through will not mark again
        }
        try {
            reportProgress(batch);
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e); // the reports are marked again with the next batch that goes through
        }
    }

    private void reportProgress(List<QueuedMessage> batch) {
        Set<Long> touched = new LinkedHashSet<>();
        batch.forEach(m -> touched.add(m.campaignId()));
        touched.forEach(campaigns::markDirty);
        long now = System.nanoTime();
        for (long campaign : touched) {
            Long last = progressLoggedAt.putIfAbsent(campaign, now);
            if (last != null && now - last >= PROGRESS_EVERY) {
                progressLoggedAt.put(campaign, now);
                log.info("Campaign {} sending: {}", campaign, summary(campaigns.counts(campaign)));
            }
        }
    }

    private List<QueuedMessage> withoutOptedOut(List<QueuedMessage> batch) {
        Map<String, String> optedOut = optOuts.optedOut(batch.stream().map(QueuedMessage::e164).toList());
        if (optedOut.isEmpty()) {
            return batch;
        }
        List<QueuedMessage> allowed = new ArrayList<>(batch.size());
        for (QueuedMessage m : batch) {
            String list = optedOut.get(m.e164());
            if (list == null) {
                allowed.add(m);
            } else if (messages.markOptedOut(m.campaignId(), m.row(), "The number opted out (" + list + " opt-out list) before it was sent.")) {
                log.info("Campaign {} row {}: not sent, the number opted out after the file was read ({} list)", m.campaignId(), m.row(), list);
            }
        }
        batch.stream().filter(m -> optedOut.containsKey(m.e164())).map(QueuedMessage::campaignId).distinct()
                .forEach(campaigns::markDirty);
        return allowed;
    }

    static String summary(Map<MessageStatus, Integer> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((status, n) -> text.append(text.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(status.name().toLowerCase().replace('_', ' ')));
        return text.toString();
    }

    private void settle(long campaign) {
        if (campaigns.settleIfFinished(campaign)) {
            cursors.remove(campaign);
            progressLoggedAt.remove(campaign);
            Map<MessageStatus, Integer> counts = campaigns.counts(campaign);
            Map<String, Object> details = new LinkedHashMap<>();
            counts.forEach((status, n) -> details.put(status.name().toLowerCase(), n));
            audit.record(AuditEvent.CAMPAIGN_SETTLED, campaign, details);
            log.info("Campaign {} settled, nothing left to send: {}", campaign, summary(counts));
        }
    }
}
