package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.template.TemplateDefinition;

/**
 * Sends one queued message: waits for its slot, marks it SENDING in the ledger (committed), and
 * only then lets the request leave; records what the provider answered. Called from several
 * threads, at most {@code arauto.send.concurrency} at once, so at most that many messages are
 * SENDING at any moment: what a crash can leave UNCERTAIN. While the ledger cannot be written
 * nothing leaves, and once Arauto is stopping no new message is claimed.
 */
@Component
public class MessageSender {

    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private final MessageProvider provider;
    private final SendPacer pacer;
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxAttempts;
    private final Map<Long, Bound> bindings = new ConcurrentHashMap<>();
    private final LedgerHealthIndicator ledger;
    private volatile boolean stopping;

    public MessageSender(ArautoProperties properties, SandboxProvider sandbox, ObjectProvider<CloudApiProvider> cloudApi,
                         SendPacer pacer, MessageLedger messages, CampaignLedger campaigns, TemplateCatalog templates,
                         TemplateBinder binder, AuditLog audit, Clock clock,
                         LedgerHealthIndicator ledger) {
        String type = properties.getProvider().getType();
        this.provider = switch (type) {
            case "sandbox" -> sandbox;
            case "cloud-api" -> cloudApi.getObject();
            default -> throw new IllegalStateException("arauto.provider.type must be sandbox or cloud-api, not '" + type + "'");
        };
        log.info("Sending through the {} provider at up to {} messages/s", type, properties.getSend().getRate());
        this.pacer = pacer;
        this.messages = messages;
        this.campaigns = campaigns;
        this.templates = templates;
        this.binder = binder;
        this.audit = audit;
        this.clock = clock;
        this.maxAttempts = properties.getSend().getMaxAttempts();
        this.ledger = ledger;
    }

    /** Arauto is stopping: messages not yet claimed stay QUEUED for the next start. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Whether new messages may be claimed now. */
    public boolean mayClaim() {
        return !stopping && ledger.isUp();
    }

    public void send(QueuedMessage m) throws InterruptedException {
        if (!mayClaim()) {
            return; // stays QUEUED
        }
        if (bindings.size() > 1_000) {
            bindings.clear(); // settled campaigns' bindings go; the active ones are bound again on their next message
        }
        Bound bound;
        try {
            bound = current(m.campaignId());
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return;
        }
        pacer.acquire();
        if (!mayClaim() || !claim(m)) {
            return; // the ledger is away, Arauto is stopping, or a cancel or another sender got there first
        }
        if (bound.binding == null) {
            durably(m, () -> messages.markFailed(m.campaignId(), m.row(), null, bound.problem));
            return;
        }
        SendOutcome outcome = provider.send(bound.binding.message(m.e164(), m.cells()));
        int attempt = m.attempts() + 1;
        if (outcome instanceof SendOutcome.Accepted accepted) {
            sent(m, bound.binding, accepted);
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

    /** The committed SENDING mark, or false when the message is not ours to send (or the ledger failed: nothing leaves). */
    private boolean claim(QueuedMessage m) throws InterruptedException {
        try {
            boolean claimed = messages.markSending(m.campaignId(), m.row());
            ledger.written();
            return claimed;
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return false;
        }
    }

    /** What the provider answered, written until the ledger takes it: the request is gone, its outcome must not be. */
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

    /** The template as the campaign's file was bound to it, or why it no longer can be. */
    private Bound bind(long campaignId) {
        Campaign campaign = campaigns.find(campaignId).orElseThrow();
        TemplateCatalog.Lookup lookup = templates.find(campaign.template());
        if (lookup.template() == null) {
            return new Bound(null, lookup.problem(), campaign.template(), null);
        }
        try {
            return new Bound(binder.bind(lookup.template(), campaign.inputHeader()), null, campaign.template(), lookup.template());
        } catch (TemplateBinder.MissingColumnsException e) {
            return new Bound(null, "The template changed since the file was read: " + e.getMessage(), campaign.template(), lookup.template());
        }
    }

    /** The campaign's binding, bound again when its template was edited, removed or put back since (config/templates.yml). */
    private Bound current(long campaignId) {
        Bound bound = bindings.computeIfAbsent(campaignId, this::bind);
        if (templates.find(bound.templateName).template() != bound.definition) {
            bound = bind(campaignId);
            bindings.put(campaignId, bound);
        }
        return bound;
    }

    private record Bound(TemplateBinding binding, String problem, String templateName, TemplateDefinition definition) { }
}
