package io.arauto.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.arauto.verdict.NinthDigit;
import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.webhook.WebhookContent.Reply;

/**
 * A customer wrote: the message they answered becomes REPLIED. That is the message a quick-reply
 * button names, or else the latest message sent to their number that is still waiting for a reply
 * (SENT, DELIVERED or READ, within 24 hours). Every reply is audited ({@code reply_received}) and
 * handed to the opt-out signals, matched or not. Runs in the caller's transaction.
 */
@Component
public class ReplyTracker {

    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final AuditLog audit;
    private final OptOutSignals optOuts;

    public ReplyTracker(MessageLedger messages, CampaignLedger campaigns, AuditLog audit, OptOutSignals optOuts) {
        this.messages = messages;
        this.campaigns = campaigns;
        this.audit = audit;
        this.optOuts = optOuts;
    }

    public void apply(Reply reply) {
        if (reply.from() == null) {
            return;
        }
        Optional<Long> answered = reply.answering() == null ? Optional.empty() : messages.messageOf(reply.answering());
        if (answered.isEmpty()) {
            answered = messages.latestAwaitingReply(NinthDigit.variants(reply.from())); // with or without the ninth digit
        }
        Long campaign = null;
        if (answered.isPresent()) {
            campaign = answered.get() >>> 32;
            messages.markReplied(answered.get()).ifPresent(campaigns::markDirty);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phone", reply.from());
        details.put("type", reply.type());
        details.put("row", answered.map(id -> (int) (id & 0xffffffffL)).orElse(null));
        details.put("replied_at", String.valueOf(reply.at()));
        audit.record(AuditEvent.REPLY_RECEIVED, campaign, details);
        optOuts.reply(reply.from(), reply.text(), reply.payload(), reply.at());
    }
}
