package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinding;

/**
 * Records what became of a claimed (SENDING) message: the provider's answer, or why it could not
 * be sent. Writes until the ledger takes it: the request is gone, its outcome must not be.
 */
@Component
public class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private final MessageLedger messages;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxAttempts;
    private final LedgerHealthIndicator ledger;
    private final SendMetrics metrics;
    private volatile boolean stopping;

    public OutcomeRecorder(MessageLedger messages, AuditLog audit, Clock clock, ArautoProperties properties,
                           LedgerHealthIndicator ledger, SendMetrics metrics) {
        this.metrics = metrics;
        this.messages = messages;
        this.audit = audit;
        this.clock = clock;
        this.maxAttempts = properties.getSend().getMaxAttempts();
        this.ledger = ledger;
    }

    /** Arauto is stopping: an outcome the ledger refuses is given up (the message shows UNCERTAIN) instead of retried. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        stopping = true;
    }

    /** What the provider answered for a message claimed and sent with {@code binding}. */
    public void record(QueuedMessage m, TemplateBinding binding, SendOutcome outcome) throws InterruptedException {
        metrics.attempt(outcome);
        int attempt = m.attempts() + 1;
        if (outcome instanceof SendOutcome.Accepted accepted) {
            sent(m, binding, accepted);
        } else if (outcome instanceof SendOutcome.Rejected rejected) {
            rejected(m, attempt, rejected);
        } else if (outcome instanceof SendOutcome.Unknown unknown) {
            durably(m, () -> messages.markUncertain(m.campaignId(), m.row(), "No answer from the provider (" + unknown.detail()
                    + "); the message may have arrived, so it is not sent again unless someone asks."));
            log.warn("Campaign {} row {}: outcome unknown for {}: {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), unknown.detail());
        } else if (outcome instanceof SendOutcome.NotSent notSent) {
            notSent(m, attempt, notSent);
        }
    }

    /** A claimed message that cannot be sent at all (its template is gone or no longer fits the file). */
    public void unsendable(QueuedMessage m, String reason) throws InterruptedException {
        durably(m, () -> messages.markFailed(m.campaignId(), m.row(), null, reason));
    }

    private void durably(QueuedMessage m, LedgerWrite write) throws InterruptedException {
        long pause = 250;
        while (true) {
            try {
                write.run();
                ledger.written();
                return;
            } catch (DataAccessException | TransactionException e) {
                ledger.failed(e);
                if (stopping) {
                    log.warn("Campaign {} row {}: Arauto stopped before the outcome could be written; the message will show UNCERTAIN",
                            m.campaignId(), m.row());
                    return;
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    @FunctionalInterface
    private interface LedgerWrite {
        void run() throws InterruptedException;
    }

    private void sent(QueuedMessage m, TemplateBinding binding, SendOutcome.Accepted accepted) throws InterruptedException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("row", m.row());
        details.put("phone", m.e164());
        details.put("template", binding.template().name());
        details.put("message_id", accepted.messageId());
        details.put("text", binding.render(m.cells()));
        // the SENT mark and its audit record in one commit (shared with other senders' outcomes)
        durably(m, () -> messages.markSent(m.campaignId(), m.row(), accepted.messageId(),
                () -> audit.record(AuditEvent.MESSAGE_SENT, m.campaignId(), details)));
        log.debug("Campaign {} row {}: sent to {} as {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), accepted.messageId());
    }

    private void rejected(QueuedMessage m, int attempt, SendOutcome.Rejected rejected) throws InterruptedException {
        if (rejected.retryable() && attempt < maxAttempts) {
            Instant next = clock.instant().plus(rejected.retryAfter() != null ? rejected.retryAfter() : backoff(attempt));
            durably(m, () -> messages.retryLater(m.campaignId(), m.row(), next, rejected.code(), "Attempt " + attempt + " failed ("
                    + rejected.message() + "); trying again at " + next + "."));
            log.warn("Campaign {} row {}: {} answered {} {}, retrying at {}", m.campaignId(), m.row(),
                    PhoneMask.mask(m.e164()), rejected.code(), rejected.message(), next);
        } else {
            durably(m, () -> messages.markFailed(m.campaignId(), m.row(), rejected.code(), rejected.message()));
            log.warn("Campaign {} row {}: message to {} failed: {} {}", m.campaignId(), m.row(),
                    PhoneMask.mask(m.e164()), rejected.code(), rejected.message());
        }
    }

    private void notSent(QueuedMessage m, int attempt, SendOutcome.NotSent notSent) throws InterruptedException {
        if (attempt < maxAttempts) {
            Instant next = clock.instant().plus(backoff(attempt));
            durably(m, () -> messages.retryLater(m.campaignId(), m.row(), next, null, "The provider could not be reached ("
                    + notSent.detail() + "); trying again at " + next + "."));
            log.warn("Campaign {} row {}: provider unreachable ({}), retrying at {}", m.campaignId(), m.row(), notSent.detail(), next);
        } else {
            durably(m, () -> messages.markFailed(m.campaignId(), m.row(), null,
                    "The provider could not be reached after " + attempt + " attempts (" + notSent.detail() + ")."));
        }
    }

    /** 5 s, doubling with each attempt, at most 5 minutes. */
    static Duration backoff(int attempt) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10));
        return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
    }
}
