package io.arauto.send;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;

/**
 * Applies what providers report about sent messages. Duplicates and out-of-order reports are
 * normal: the ledger only ever moves a status forward, so a late one changes nothing.
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
     * reports cost one write to disk per batch instead of several per message.
     */
    public void applyAll(List<StatusUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(t -> {
            Set<Long> changed = new LinkedHashSet<>();
            for (StatusUpdate update : updates) {
                messages.applyStatus(update.messageId(), update.status(), update.code(), update.reason()).ifPresentOrElse(campaign -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("message_id", update.messageId());
                    details.put("status", update.status().name());
                    details.put("status_at", String.valueOf(update.at()));
                    if (update.code() != null) {
                        details.put("error_code", update.code());
                        details.put("reason", update.reason());
                    }
                    audit.record(AuditEvent.STATUS_RECEIVED, campaign, details);
                    changed.add(campaign);
                }, () -> log.debug("Status {} for {} changed nothing (unknown message or already further along)",
                        update.status(), update.messageId()));
            }
            changed.forEach(campaigns::markDirty);
        });
    }
}
