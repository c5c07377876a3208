package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinding;

/**
 * Records what became of a claimed (SENDING) message: the provider's answer, read by Meta's error
 * code ({@link MetaErrors}), or why it could not be sent. Writes until the ledger takes it: the
 * request is gone, its outcome must not be. Whatever fails on the way, a message never stays
 * SENDING: it ends UNCERTAIN when its request may have reached Meta, and back in the queue when it
 * certainly did not (see {@link #record}).
 */
@Component
public class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final OptOutList optOuts;
    private final SendBrake brake;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxAttempts;
    private final Backoff backoff;
    private final LedgerHealthIndicator ledger;
    private final SendMetrics metrics;
    private volatile boolean stopping;

    public OutcomeRecorder(MessageLedger messages, CampaignLedger campaigns, OptOutList optOuts, SendBrake brake, AuditLog audit,
                           Clock clock, ArautoProperties properties, LedgerHealthIndicator ledger, SendMetrics metrics) {
        this.metrics = metrics;
        this.messages = messages;
        this.campaigns = campaigns;
        this.optOuts = optOuts;
        this.brake = brake;
        this.audit = audit;
        this.clock = clock;
        this.maxAttempts = properties.getSend().getMaxAttempts();
        this.backoff = new Backoff(properties.getSend().getRetryBackoff(), properties.getSend().getRetryBackoffMax());
        this.ledger = ledger;
    }

    /** Arauto is stopping: an outcome the ledger cannot take is given up (the message shows UNCERTAIN) instead of retried. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        stopping = true;
    }

    /**
     * What the provider answered for a message claimed and sent with {@code binding}. Never throws
     * but when interrupted: if the outcome cannot be recorded as it should (the ledger refuses it, a
     * bug), the message is still settled the plainest way (SENT without its audit record, UNCERTAIN,
     * or back in the queue) and the failure is logged.
     */
    public void record(QueuedMessage m, TemplateBinding binding, SendOutcome outcome) throws InterruptedException {
        metrics.attempt(outcome);
        try {
            if (outcome instanceof SendOutcome.Accepted accepted) {
                sent(m, binding, accepted);
            } else if (outcome instanceof SendOutcome.Rejected rejected) {
                rejected(m, rejected);
            } else if (outcome instanceof SendOutcome.Unknown unknown) {
                uncertain(m, "No answer from the provider (" + unknown.detail() + ")");
            } else if (outcome instanceof SendOutcome.NotSent notSent) {
                retry(m, null, "The provider could not be reached (" + notSent.detail() + ")", null);
            }
        } catch (RuntimeException e) {
            lastResort(m, outcome, e);
        }
    }

    /** What the provider answered for a claimed message whose request left at {@code departedNanos} (the send route's last step). */
    public void answered(Claimed claimed, SendOutcome outcome, long departedNanos) throws InterruptedException {
        metrics.latency(Duration.ofNanos(System.nanoTime() - departedNanos));
        record(claimed.message(), claimed.binding(), outcome);
    }

    /**
     * Something failed between the claim and the outcome (a defect, not an answer), caught by the
     * send route: UNCERTAIN when the request may have left ({@code requestOut} set just before it
     * did), back in the queue when it certainly did not; never left SENDING.
     */
    public void broken(Claimed claimed, Exception e, Long requestOut) throws InterruptedException {
        if (requestOut != null) {
            failedInFlight(claimed.message(), e);
        } else {
            notSent(claimed.message(), e);
        }
    }

    /** A claimed message whose request never left because Arauto is stopping: QUEUED again, the attempt not counted. */
    public void release(Claimed claimed) throws InterruptedException {
        QueuedMessage m = claimed.message();
        durably(m, () -> messages.release(m.campaignId(), m.row()));
    }

    /** The send path failed before the request could leave (building it, a bug): back in the queue, counted as an attempt. */
    public void notSent(QueuedMessage m, Throwable cause) throws InterruptedException {
        log.error("Campaign {} row {}: the message could not be sent ({}); it goes back in the queue", m.campaignId(), m.row(),
                LedgerHealthIndicator.describe(cause), cause);
        String what = "Arauto could not send the request (" + LedgerHealthIndicator.describe(cause) + ")";
        try {
            retry(m, null, what, null);
        } catch (RuntimeException e) {
            lastResort(m, new SendOutcome.NotSent(what), e);
        }
    }

    /** The send path failed once the request may have left (the provider's code threw): UNCERTAIN. */
    public void failedInFlight(QueuedMessage m, Throwable cause) throws InterruptedException {
        log.error("Campaign {} row {}: sending failed after the request may have left ({})", m.campaignId(), m.row(),
                LedgerHealthIndicator.describe(cause), cause);
        String what = "Arauto failed while the request was on its way (" + LedgerHealthIndicator.describe(cause) + ")";
        try {
            uncertain(m, what);
        } catch (RuntimeException e) {
            lastResort(m, new SendOutcome.Unknown(what), e);
        }
    }

    /** A claimed message that cannot be sent at all (its template is gone or no longer fits the file). */
    public void unsendable(QueuedMessage m, String reason) throws InterruptedException {
        try {
            durably(m, () -> messages.markFailed(m.campaignId(), m.row(), null, reason));
        } catch (RuntimeException e) {
            lastResort(m, new SendOutcome.NotSent(reason), e);
        }
    }

    private void sent(QueuedMessage m, TemplateBinding binding, SendOutcome.Accepted accepted) throws InterruptedException {
        String wamid = accepted.messageId();
        brake.answered(true);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("row", m.row());
        details.put("phone", m.e164());
        details.put("template", binding == null ? null : binding.template().name());
        details.put("message_id", wamid);
        details.put("text", rendered(m, binding));
        try {
            // the SENT mark and its audit record in one commit (shared with other senders' outcomes)
            durably(m, () -> messages.markSent(m.campaignId(), m.row(), wamid,
                    () -> audit.record(AuditEvent.MESSAGE_SENT, m.campaignId(), details)));
        } catch (RuntimeException refused) { // the ledger refused it, or the audit failed
            sentAllTheSame(m, wamid, refused);
            return;
        }
        log.debug("Campaign {} row {}: sent to {} as {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), wamid);
    }

    /** Meta took it, but the SENT mark with its audit record was refused: the mark alone, or without the id. */
    private void sentAllTheSame(QueuedMessage m, String wamid, RuntimeException refused) throws InterruptedException {
        String why = LedgerHealthIndicator.describe(refused);
        try {
            durably(m, () -> messages.markSent(m.campaignId(), m.row(), wamid));
            log.warn("Campaign {} row {}: sent as {}, but its audit record could not be written ({})", m.campaignId(), m.row(), wamid, why);
        } catch (RuntimeException idRefused) {
            String shown = wamid.length() > 80 ? wamid.substring(0, 80) + "…" : wamid;
            durably(m, () -> messages.markSentWithoutId(m.campaignId(), m.row(), "Sent, but the provider's message id (" + shown
                    + ") could not be kept in the ledger (" + LedgerHealthIndicator.describe(idRefused) + ")."));
            log.warn("Campaign {} row {}: sent, but the ledger refused the provider's message id ({}); kept without it",
                    m.campaignId(), m.row(), LedgerHealthIndicator.describe(idRefused));
        }
    }

    private static String rendered(QueuedMessage m, TemplateBinding binding) {
        try {
            return binding == null ? null : binding.render(m.cells());
        } catch (RuntimeException e) { // the audit loses the text, the message keeps its SENT mark
            return null;
        }
    }

    private void rejected(QueuedMessage m, SendOutcome.Rejected r) throws InterruptedException {
        if (r.action() != MetaErrors.Action.HALT_ALL) {
            brake.answered(false); // Meta read the request as the account's: the account works
        }
        String answer = answer(r);
        switch (r.action()) {
            case THROTTLE_ALL -> {
                Instant until = brake.throttled(r.retryAfter(), answer);
                durably(m, () -> messages.requeue(m.campaignId(), m.row(), until, r.code(), "Waiting: " + answer
                        + "; all sending waits until " + until.truncatedTo(ChronoUnit.SECONDS) + "."));
            }
            case DELAY_RECIPIENT -> {
                Duration wait = r.retryAfter() != null && r.retryAfter().compareTo(MetaErrors.PAIR_RATE_WAIT) > 0
                        ? r.retryAfter() : MetaErrors.PAIR_RATE_WAIT;
                Instant next = clock.instant().plus(wait);
                durably(m, () -> messages.requeue(m.campaignId(), m.row(), next, r.code(), "Waiting: " + answer
                        + "; this number gets its message at " + next.truncatedTo(ChronoUnit.SECONDS) + "."));
                log.info("Campaign {} row {}: {} had too many messages in a short time; its message waits until {}",
                        m.campaignId(), m.row(), PhoneMask.mask(m.e164()), next);
            }
            case RETRY -> retry(m, r.code(), answer, r.retryAfter());
            case FAIL -> failed(m, r.code(), capitalized(answer) + ".");
            case FAIL_FOR_A_DAY -> failed(m, r.code(), capitalized(answer)
                    + ". Meta may take a message to this number again after 24 hours.");
            case OPT_OUT -> optedOut(m, r, answer);
            case PAUSE_CAMPAIGN -> pause(m, r, answer);
            case HALT_ALL -> {
                brake.halt(answer);
                durably(m, () -> messages.requeue(m.campaignId(), m.row(), null, r.code(), "Waiting: all sending is halted because "
                        + answer + "; it goes on by itself once Meta takes messages again."));
            }
        }
    }

    private void failed(QueuedMessage m, String code, String reason) throws InterruptedException {
        durably(m, () -> messages.markFailed(m.campaignId(), m.row(), code, reason));
        log.warn("Campaign {} row {}: message to {} failed: {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), reason);
    }

    private void optedOut(QueuedMessage m, SendOutcome.Rejected r, String answer) throws InterruptedException {
        // the list first: were Arauto to stop in between, the number is never messaged again either way
        // and the number's other queued messages, in every campaign, stop with it
        durably(m, () -> optOuts.optOut(m.e164(), OptOutSource.META_131050, "campaign " + m.campaignId() + " row " + m.row() + ": "
                + r.describe(), clock.instant()));
        durably(m, () -> messages.markOptedOutWhileSending(m.campaignId(), m.row(), r.code(), capitalized(answer)
                + "; the number is now on Arauto's opt-out list."));
        campaigns.markDirty(m.campaignId());
        log.info("Campaign {} row {}: {} stopped marketing messages (Meta {}); added to Arauto's opt-out list",
                m.campaignId(), m.row(), PhoneMask.mask(m.e164()), r.code());
    }

    private void pause(QueuedMessage m, SendOutcome.Rejected r, String answer) throws InterruptedException {
        brake.campaignPaused(m.campaignId());
        String reason = "The campaign is paused: " + answer + ". Fix the template at Meta or in the templates file, then resume the campaign.";
        boolean[] paused = {false};
        durably(m, () -> paused[0] = campaigns.pause(m.campaignId(), reason));
        durably(m, () -> messages.requeue(m.campaignId(), m.row(), null, r.code(), reason));
        if (paused[0]) {
            log.warn("Campaign {} paused: {}; its messages stay queued until it is resumed", m.campaignId(), answer);
        }
    }

    /** Another attempt after Retry-After or the back-off, counted; FAILED once arauto.send.max-attempts were made. */
    private void retry(QueuedMessage m, String code, String what, Duration retryAfter) throws InterruptedException {
        int attempt = m.attempts() + 1;
        if (attempt < maxAttempts) {
            Instant next = clock.instant().plus(retryAfter != null ? retryAfter : backoff.after(attempt));
            durably(m, () -> messages.retryLater(m.campaignId(), m.row(), next, code, "Attempt " + attempt + " failed (" + what
                    + "); trying again at " + next.truncatedTo(ChronoUnit.SECONDS) + "."));
            log.warn("Campaign {} row {}: {}: {}, retrying at {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), what, next);
        } else {
            failed(m, code, capitalized(what) + "; gave up after " + attempt + " attempts.");
        }
    }

    private void uncertain(QueuedMessage m, String what) throws InterruptedException {
        durably(m, () -> messages.markUncertain(m.campaignId(), m.row(), what
                + "; the message may have arrived, so it is not sent again unless someone asks."));
        log.warn("Campaign {} row {}: outcome unknown for {}: {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), what);
    }

    /**
     * The outcome could not be recorded as it should: settle the message the plainest way that is
     * still true, UNCERTAIN when Meta may have taken it, back in the queue (counted) when it did not.
     */
    private void lastResort(QueuedMessage m, SendOutcome outcome, RuntimeException cause) throws InterruptedException {
        String why = LedgerHealthIndicator.describe(cause);
        log.error("Campaign {} row {}: the outcome ({}) could not be recorded as it should ({})", m.campaignId(), m.row(),
                kind(outcome), why, cause);
        try {
            if (outcome instanceof SendOutcome.Accepted accepted) {
                sentAllTheSame(m, accepted.messageId(), cause);
            } else if (outcome instanceof SendOutcome.Unknown || outcome == null) {
                durably(m, () -> messages.markUncertain(m.campaignId(), m.row(), "Arauto could not record the provider's answer ("
                        + why + "); the message may have arrived, so it is not sent again unless someone asks."));
            } else if (m.attempts() + 1 < maxAttempts) { // refused or never sent: Meta did not take it
                Instant next = clock.instant().plus(backoff.after(m.attempts() + 1));
                durably(m, () -> messages.retryLater(m.campaignId(), m.row(), next, null, "Arauto could not record the provider's answer ("
                        + why + "); trying again at " + next.truncatedTo(ChronoUnit.SECONDS) + "."));
            } else {
                durably(m, () -> messages.markFailed(m.campaignId(), m.row(), null, "Arauto could not record the provider's answer ("
                        + why + ") after " + (m.attempts() + 1) + " attempts."));
            }
        } catch (RuntimeException again) {
            log.error("Campaign {} row {}: not even that could be recorded ({}); the ledger watchdog will mark the message UNCERTAIN",
                    m.campaignId(), m.row(), LedgerHealthIndicator.describe(again));
        }
    }

    private static String kind(SendOutcome outcome) {
        return outcome == null ? "none" : outcome.getClass().getSimpleName().toLowerCase();
    }

    /** "Meta answered 131026 (Message undeliverable: details)", or for an answer without Meta's code, "the provider answered HTTP 500 (...)". */
    private static String answer(SendOutcome.Rejected r) {
        String said = r.describe();
        String who = r.code().startsWith("HTTP ") ? "the provider answered " : "Meta answered ";
        return who + r.code() + (said.isBlank() ? "" : " (" + said + ")");
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /**
     * Writes until the ledger takes it. A failed write while the ledger can be written (a probe goes
     * through) is this write's own fault and is thrown as {@link LedgerRefused}; a ledger that is away
     * is waited for, except once Arauto is stopping (the message then shows UNCERTAIN after a restart).
     */
    private void durably(QueuedMessage m, LedgerWrite write) throws InterruptedException {
        long pause = 250;
        while (true) {
            if (stopping && !ledger.isUp()) { // each try would wait for a connection: a stop must not wait for the ledger
                log.warn("Campaign {} row {}: Arauto stopped while the ledger was away; the message will show UNCERTAIN",
                        m.campaignId(), m.row());
                return;
            }
            try {
                write.run();
                ledger.written();
                return;
            } catch (DataAccessException | TransactionException e) {
                if (stopping) {
                    ledger.failed(e);
                    log.warn("Campaign {} row {}: Arauto stopped before the outcome could be written; the message will show UNCERTAIN",
                            m.campaignId(), m.row());
                    return;
                }
                if (ledger.probe()) {
                    throw new LedgerRefused(e);
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    /** The ledger can be written, but not this: a value it cannot take. */
    private static final class LedgerRefused extends RuntimeException {
        LedgerRefused(RuntimeException cause) {
            super(LedgerHealthIndicator.describe(cause), cause);
        }
    }

    @FunctionalInterface
    private interface LedgerWrite {
        void run() throws InterruptedException;
    }
}
