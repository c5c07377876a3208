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
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.report.AuditLog;
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;

/**
 * Sends one queued message: waits for its slot, marks it SENDING in the ledger, and only then
 * lets the request leave; records what the provider answered. Called from several threads.
 */
@Component
public class MessageSender {

    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private final Provider provider;
    private final SendPacer pacer;
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxAttempts;
    private final Map<Long, Bound> bindings = new ConcurrentHashMap<>();

    public MessageSender(ArautoProperties properties, SandboxProvider sandbox, ObjectProvider<CloudApiProvider> cloudApi,
                         SendPacer pacer, MessageLedger messages, CampaignLedger campaigns, TemplateCatalog templates,
                         TemplateBinder binder, AuditLog audit, Clock clock) {
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
    }

    public void send(QueuedMessage m) throws InterruptedException {
        if (bindings.size() > 1_000) {
            bindings.clear(); // settled campaigns' bindings go; the active ones are bound again on their next message
        }
        Bound bound = bindings.computeIfAbsent(m.campaignId(), this::bind);
        pacer.acquire();
        if (!messages.markSending(m.campaignId(), m.row())) {
            return; // cancelled or taken by another sender meanwhile
        }
        if (bound.binding == null) {
            messages.markFailed(m.campaignId(), m.row(), null, bound.problem);
            return;
        }
        SendOutcome outcome = provider.send(bound.binding.message(m.e164(), m.cells()));
        int attempt = m.attempts() + 1;
        if (outcome instanceof SendOutcome.Accepted accepted) {
            sent(m, bound.binding, accepted);
        } else if (outcome instanceof SendOutcome.Rejected rejected) {
            rejected(m, attempt, rejected);
        } else if (outcome instanceof SendOutcome.Unknown unknown) {
            messages.markUncertain(m.campaignId(), m.row(), "No answer from the provider (" + unknown.detail()
                    + "); the message may have arrived, so it is not sent again unless someone asks.");
            log.warn("Campaign {} row {}: outcome unknown for {}: {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), unknown.detail());
        } else if (outcome instanceof SendOutcome.NotSent notSent) {
            notSent(m, attempt, notSent);
        }
    }

    private void sent(QueuedMessage m, TemplateBinding binding, SendOutcome.Accepted accepted) {
        messages.markSent(m.campaignId(), m.row(), accepted.messageId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("row", m.row());
        details.put("phone", m.e164());
        details.put("template", binding.template().name());
        details.put("message_id", accepted.messageId());
        details.put("text", binding.render(m.cells()));
        audit.record("message_sent", m.campaignId(), details);
        log.debug("Campaign {} row {}: sent to {} as {}", m.campaignId(), m.row(), PhoneMask.mask(m.e164()), accepted.messageId());
    }

    private void rejected(QueuedMessage m, int attempt, SendOutcome.Rejected rejected) {
        if (rejected.retryable() && attempt < maxAttempts) {
            Instant next = clock.instant().plus(rejected.retryAfter() != null ? rejected.retryAfter() : backoff(attempt));
            messages.retryLater(m.campaignId(), m.row(), next, rejected.code(), "Attempt " + attempt + " failed ("
                    + rejected.message() + "); trying again at " + next + ".");
            log.warn("Campaign {} row {}: {} answered {} {}, retrying at {}", m.campaignId(), m.row(),
                    PhoneMask.mask(m.e164()), rejected.code(), rejected.message(), next);
        } else {
            messages.markFailed(m.campaignId(), m.row(), rejected.code(), rejected.message());
            log.warn("Campaign {} row {}: message to {} failed: {} {}", m.campaignId(), m.row(),
                    PhoneMask.mask(m.e164()), rejected.code(), rejected.message());
        }
    }

    private void notSent(QueuedMessage m, int attempt, SendOutcome.NotSent notSent) {
        if (attempt < maxAttempts) {
            Instant next = clock.instant().plus(backoff(attempt));
            messages.retryLater(m.campaignId(), m.row(), next, null, "The provider could not be reached ("
                    + notSent.detail() + "); trying again at " + next + ".");
            log.warn("Campaign {} row {}: provider unreachable ({}), retrying at {}", m.campaignId(), m.row(), notSent.detail(), next);
        } else {
            messages.markFailed(m.campaignId(), m.row(), null,
                    "The provider could not be reached after " + attempt + " attempts (" + notSent.detail() + ").");
        }
    }

    private static Duration backoff(int attempt) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10));
        return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
    }

    /** The template as the campaign's file was bound to it, or why it no longer can be. */
    private Bound bind(long campaignId) {
        Campaign campaign = campaigns.find(campaignId).orElseThrow();
        TemplateCatalog.Lookup lookup = templates.find(campaign.template());
        if (lookup.template() == null) {
            return new Bound(null, lookup.problem());
        }
        try {
            return new Bound(binder.bind(lookup.template(), campaign.inputHeader()), null);
        } catch (TemplateBinder.MissingColumnsException e) {
            return new Bound(null, "The template changed since the file was read: " + e.getMessage());
        }
    }

    private record Bound(TemplateBinding binding, String problem) { }
}
