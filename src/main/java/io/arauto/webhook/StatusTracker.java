package io.arauto.webhook;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.MessageLedger.StatusApplied;
import io.arauto.support.PhoneMask;

/**
 * Applies what providers report about sent messages. Duplicates and out-of-order reports are
 * normal: the ledger only ever moves a status forward, so a late one changes nothing. A report
 * for a message the ledger does not know is audited ({@code status_unmatched}) and dropped.
 */
@Component
public class StatusTracker {

    private static final Logger log = LoggerFactory.getLogger(StatusTracker.class);

    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final AuditLog audit;

    private final TransactionTemplate tx;

    public StatusTracker(MessageLedger messages, CampaignLedger campaigns, AuditLog audit, TransactionTemplate tx) {
        this.messages = messages;
        this.campaigns = campaigns;
        this.audit = audit;
        this.tx = tx;
    }

    public void apply(StatusUpdate update) {
        applyAll(List.of(update));
    }

    /**
     * Applies a batch of reports in one commit (with their audit records), so a busy provider's
     * reports cost one write to disk per batch instead of several per message. Joins the caller's
     * transaction when there is one (a webhook event's, with its applied mark).
     */
    public void applyAll(List<StatusUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(t -> {
            Set<Long> changed = new LinkedHashSet<>();
            for (StatusUpdate update : updates) {
                StatusApplied applied = messages.applyStatus(update.messageId(), update.key(), update.status(), update.code(), update.reason());
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("message_id", update.messageId());
                details.put("status", update.status().name());
                details.put("status_at", String.valueOf(update.at()));
                if (update.code() != null) {
                    details.put("error_code", update.code());
                    details.put("reason", update.reason());
                }
                if (applied.changed()) {
                    audit.record(AuditEvent.STATUS_RECEIVED, applied.campaignId(), details);
                    changed.add(applied.campaignId());
                } else if (!applied.known()) {
                    details.put("callback_data", update.key() == null ? null : String.valueOf(update.key()));
                    details.put("phone", update.recipient());
                    audit.record(AuditEvent.STATUS_UNMATCHED, null, details);
                    log.debug("Status {} for a message Arauto does not know (id {}, to {}): recorded in the audit and ignored",
                            update.status(), update.messageId(), PhoneMask.mask(update.recipient()));
                } else {
                    log.debug("Status {} for {} changed nothing (already further along)", update.status(), update.messageId());
                }
            }
            changed.forEach(campaigns::markDirty);
        });
    }
}
