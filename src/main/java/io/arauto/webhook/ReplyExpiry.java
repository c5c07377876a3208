package io.arauto.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.MessageLedger.Expired;
import io.arauto.verdict.MessageStatus;

/**
 * A message with no reply 24 hours after it was sent becomes EXPIRED (as Blip Desk means it: the
 * customer service window closed unanswered); its reason keeps what it had reached. Run by the
 * route {@code reply-expiry} on the active sender only, on Arauto's clock.
 */
@Component
public class ReplyExpiry {

    private static final Logger log = LoggerFactory.getLogger(ReplyExpiry.class);
    public static final Duration WINDOW = Duration.ofHours(24);
    private static final int BATCH = 5_000;

    private final MessageLedger messages;
    private final CampaignLedger campaigns;
    private final AuditLog audit;
    private final Clock clock;

    public ReplyExpiry(MessageLedger messages, CampaignLedger campaigns, AuditLog audit, Clock clock) {
        this.messages = messages;
        this.campaigns = campaigns;
        this.audit = audit;
        this.clock = clock;
    }

    /** The reason an expired message keeps: what it had reached, in words. */
    static String reason(MessageStatus reached) {
        return switch (reached) {
            case READ -> "Delivered and read, no reply within 24 h.";
            case DELIVERED -> "Delivered, not read, no reply within 24 h.";
            default -> "Sent, never reported delivered, no reply within 24 h.";
        };
    }

    /** Expires every message due by now, in batches of one commit each; returns how many expired. */
    public int expire() {
        int total = 0;
        List<Expired> batch;
        Map<Long, Map<String, Integer>> perCampaign = new TreeMap<>();
        do {
            batch = messages.expireUnanswered(clock.instant().minus(WINDOW), BATCH, ReplyExpiry::reason);
            for (Expired e : batch) {
                perCampaign.computeIfAbsent(e.campaignId(), c -> new TreeMap<>()).merge(e.reached().name(), 1, Integer::sum);
            }
            total += batch.size();
        } while (batch.size() == BATCH);
        perCampaign.forEach((campaign, reached) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("expired", reached.values().stream().mapToInt(Integer::intValue).sum());
            details.put("reached", reached);
            audit.record(AuditEvent.MESSAGES_EXPIRED, campaign, details);
            campaigns.markDirty(campaign);
        });
        if (total > 0) {
            log.info("{} messages got no reply within 24 hours and are EXPIRED", total);
        }
        return total;
    }
}
