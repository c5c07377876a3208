package io.arauto.send;

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
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.template.TemplateDefinition;

/**
 * Sends one queued message: waits for its slot, marks it SENDING in the ledger (committed), and
 * only then lets the request leave; records what the provider answered. Called from several
 * threads, at most {@code arauto.send.concurrency} at once, so at most that many messages are
 * SENDING at any moment: what a crash can leave UNCERTAIN. While the ledger cannot be written
 * nothing leaves, and once Arauto is stopping, or this instance is no longer the active sender, no
 * new message is claimed.
 */
@Component
public class MessageSender {

    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);

    private final MessageProvider provider;
    private final SendPacer pacer;
    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final OutcomeRecorder outcomes;
    private final Map<Long, Bound> bindings = new ConcurrentHashMap<>();
    private final LedgerHealthIndicator ledger;
    private final ActiveSender lead;
    private volatile boolean stopping;

    public MessageSender(ArautoProperties properties, SandboxProvider sandbox, ObjectProvider<CloudApiProvider> cloudApi,
                         SendPacer pacer, MessageLedger messages, CampaignLedger campaigns, TemplateCatalog templates,
                         TemplateBinder binder, OutcomeRecorder outcomes,
                         LedgerHealthIndicator ledger, ActiveSender lead) {
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
        this.outcomes = outcomes;
        this.ledger = ledger;
        this.lead = lead;
    }

    /** Arauto is stopping: messages not yet claimed stay QUEUED for the next start. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Whether new messages may be claimed now: only by the active sender, so a batch in hand when the lead goes stops at once. */
    public boolean mayClaim() {
        return !stopping && ledger.isUp() && lead.leading();
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
            outcomes.unsendable(m, bound.problem);
            return;
        }
        outcomes.record(m, bound.binding, provider.send(bound.binding.message(m.e164(), m.cells())));
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
