package io.arauto.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.verdict.MessageStatus;

/**
 * What an operator does to a campaign through the REST API (cancel, pause, resume, requeue its uncertain messages), each
 * change written to the ledger together with its audit record, in one transaction: the campaign, the action and how many
 * messages it changed. A change the campaign's state refuses changes nothing and is not audited.
 */
@Component
public class CampaignControls {

    /** The {@code source} of these audit records: an operator, through the REST API. */
    static final String SOURCE = "api";

    private final CampaignLedger campaigns;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    public CampaignControls(CampaignLedger campaigns, AuditLog audit, TransactionTemplate tx) {
        this.campaigns = campaigns;
        this.audit = audit;
        this.tx = tx;
    }

    /** Cancels an ACTIVE or PAUSED campaign: how many QUEUED messages became CANCELLED, or empty when it could not be. */
    public Optional<Integer> cancel(long id) {
        return tx.execute(t -> {
            Optional<Integer> cancelled = campaigns.cancel(id);
            cancelled.ifPresent(n -> record(AuditEvent.CAMPAIGN_CANCELLED, id, "messages_cancelled", n));
            return cancelled;
        });
    }

    /** Pauses an ACTIVE campaign: how many QUEUED messages it holds back, or empty when it was not ACTIVE. */
    public OptionalInt pause(long id) {
        return tx.execute(t -> {
            if (!campaigns.pause(id, "Paused by an operator; it is sent once the campaign is resumed.")) {
                return OptionalInt.empty();
            }
            int held = queued(id);
            record(AuditEvent.CAMPAIGN_PAUSED, id, "messages_held", held);
            return OptionalInt.of(held);
        });
    }

    /** Resumes a PAUSED campaign: how many QUEUED messages may go out again, or empty when it was not PAUSED. */
    public OptionalInt resume(long id) {
        return tx.execute(t -> {
            if (!campaigns.resume(id)) {
                return OptionalInt.empty();
            }
            int released = queued(id);
            record(AuditEvent.CAMPAIGN_RESUMED, id, "messages_released", released);
            return OptionalInt.of(released);
        });
    }

    /**
     * Queues the UNCERTAIN messages of an ACTIVE, PAUSED or DONE campaign again (the caller checked its state): how many.
     * Audited even when there were none, as the operator asked.
     */
    public int requeueUncertain(long id) {
        Integer requeued = tx.execute(t -> {
            int n = campaigns.requeueUncertain(id);
            record(AuditEvent.UNCERTAIN_REQUEUED, id, "messages_requeued", n);
            return n;
        });
        return requeued == null ? 0 : requeued;
    }

    private int queued(long id) {
        return campaigns.counts(id).getOrDefault(MessageStatus.QUEUED, 0);
    }

    private void record(AuditEvent event, long id, String what, int messages) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", SOURCE);
        details.put(what, messages);
        details.put("status", campaigns.find(id).map(c -> c.status().name()).orElse(null));
        audit.record(event, id, details);
    }
}
