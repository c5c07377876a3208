package io.arauto.send;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
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
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.template.TemplateDefinition;
import io.arauto.template.TemplateMessage;

/**
 * Claims the messages of a batch (routes/send.camel.yaml: before the throttle and the provider's
 * request): marks it SENDING in the ledger (committed) and renders its request. Called
 * from the send pool's threads, at most {@code arauto.send.concurrency} at once, so at most that
 * many messages are SENDING at any moment: what a crash can leave UNCERTAIN. While the ledger
 * cannot be written nothing is claimed, and once Arauto is stopping, or this
 * instance is no longer the active sender, no new message is.
 */
@Component
public class MessageSender {

    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);

    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final OutcomeRecorder outcomes;
    private final SendsInFlight inFlight;
    private final SendBrake brake;
    private final Map<Long, Bound> bindings = new ConcurrentHashMap<>();
    private final LedgerHealthIndicator ledger;
    private final ActiveSender lead;
    private volatile boolean stopping;

    public MessageSender(ArautoProperties properties, MessageLedger messages, CampaignLedger campaigns, TemplateCatalog templates,
                         TemplateBinder binder, OutcomeRecorder outcomes, SendsInFlight inFlight, LedgerHealthIndicator ledger,
                         SendBrake brake, ActiveSender lead) {
        String type = properties.getProvider().getType();
        if (!type.equals("sandbox") && !type.equals("cloud-api")) {
            throw new InvalidConfigurationPropertyValueException("arauto.provider.type", type, "it must be sandbox or cloud-api");
        }
        if (properties.getSend().getRate() < 1) {
            throw new InvalidConfigurationPropertyValueException("arauto.send.rate", properties.getSend().getRate(),
                    "it must be a whole number of messages per second, 1 or more");
        }
        log.info("Sending through the {} provider at up to {} messages/s", type, properties.getSend().getRate());
        this.messages = messages;
        this.campaigns = campaigns;
        this.templates = templates;
        this.binder = binder;
        this.outcomes = outcomes;
        this.inFlight = inFlight;
        this.brake = brake;
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

    /**
     * Claims a message of the batch: the SENDING mark is committed when this returns, and only then
     * may its request leave (after the route's throttle). Null when it is not
     * ours to send: the ledger is away, Arauto is stopping, a cancel, an opt-out or another sender
     * got there first, or it cannot be sent at all (then it is FAILED with the reason here).
     */
    public Claimed claim(QueuedMessage m) throws InterruptedException {
        if (!mayClaim() || !brake.mayTakeBatch()) {
            return null; // stays QUEUED
        }
        if (bindings.size() > 1_000) {
            bindings.clear(); // settled campaigns' bindings go; the active ones are bound again on their next message
        }
        Bound bound;
        try {
            bound = current(m.campaignId());
        } catch (DataAccessException | TransactionException e) {
            ledger.failed(e);
            return null;
        }
        boolean probe = brake.halt() != null;
        // asked once per message: while sending is halted it hands out the one probe
        if (!brake.mayClaim(m.campaignId()) || !claim0(m)) {
            return null; // Meta's limits, an account error or a pause hold it, or it is not ours to send
        }
        if (bound.binding == null) {
            outcomes.unsendable(m, bound.problem);
            return null;
        }
        TemplateMessage request;
        try {
            request = bound.binding.message(m.e164(), m.cells());
        } catch (RuntimeException e) { // nothing left
            outcomes.notSent(m, e);
            return null;
        }
        inFlight.claimed();
        return new Claimed(m, bound.binding, request, probe);
    }

    /**
     * The moment a request leaves (right after the throttle), for the provider's latency (the route
     * keeps it on the exchange). At DEBUG one line per request says so, and how long after its turn
     * ({@code turnDue}, {@link SendPace#awaitTurn}) it left: the pace as Arauto kept it, and by how much a busy
     * machine held a request up on its way out.
     */
    public long departs(Claimed claimed, long turnDue) {
        long now = System.nanoTime();
        if (log.isDebugEnabled()) {
            log.debug("Request out: campaign {} row {} to {}, {} ms after its turn", claimed.message().campaignId(), claimed.message().row(),
                    PhoneMask.mask(claimed.message().e164()), Math.max(0, (now - turnDue) / 1_000_000));
        }
        return now;
    }

    /**
     * After the throttle, right before the request: whether the claimed message must not leave
     * after all (Arauto is stopping, Meta asked to slow down, sending halted or its campaign paused
     * meanwhile). It never left, so the route queues it again as it was.
     */
    public boolean heldBack(Claimed claimed) {
        return stopping || !brake.stillMayGo(claimed.message().campaignId(), claimed.probe());
    }

    /** The committed SENDING mark, or false when the message is not ours to send (or the ledger failed: nothing leaves). */
    private boolean claim0(QueuedMessage m) throws InterruptedException {
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
