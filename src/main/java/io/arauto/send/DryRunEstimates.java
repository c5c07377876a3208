package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.verdict.MessageStatus;

/**
 * What a dry run would do if it were sent now: how much of the daily tier ({@link DailyTier}) its queued messages would
 * use and when they would be through at {@code arauto.send.rate}, sharing it fairly with the campaigns sending now.
 * Written as the reason of each of its QUEUED rows, so the status files say it, and handed to whoever asked (the
 * campaign-intake route puts it in ArautoDryRunEstimate for the REST API's answer).
 */
@Component
public class DryRunEstimates {

    /**
     * {@code dailyLimit} is null when there is none; then {@code usedToday}, {@code leftToday} and {@code wouldWait} are
     * too. {@code wouldFinishAt} is null when some recipients would have to wait for the tier.
     */
    public record DryRunEstimate(int messages, int newRecipients, Integer dailyLimit, Integer usedToday, Integer leftToday,
                                 int wouldUse, Integer wouldWait, Instant tierFreesAt, int rate, int messagesAhead,
                                 Instant wouldFinishAt, String sendWindow, String summary) { }

    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final DailyTier tier;
    private final SendWindow window;
    private final ArautoProperties properties;
    private final Clock clock;

    public DryRunEstimates(CampaignLedger campaigns, MessageLedger messages, DailyTier tier, SendWindow window,
                           ArautoProperties properties, Clock clock) {
        this.campaigns = campaigns;
        this.messages = messages;
        this.tier = tier;
        this.window = window;
        this.properties = properties;
        this.clock = clock;
    }

    /** The estimate for the dry run {@code campaignId}, also written as the reason of its QUEUED rows. */
    public DryRunEstimate estimate(long campaignId) {
        Instant now = clock.instant();
        MessageLedger.QueuedCount queued = messages.queuedCount(campaignId, now.minus(DailyTier.DAY));
        int rate = Math.max(1, properties.getSend().getRate());
        // campaigns take turns: each one sending now goes ahead by as many messages as this one has, or all of its own
        int ahead = 0;
        for (long other : campaigns.sendingNow()) {
            if (other != campaignId) {
                ahead += Math.min(queued.messages(), campaigns.counts(other).getOrDefault(MessageStatus.QUEUED, 0));
            }
        }
        Instant finish = now.plus(Duration.ofMillis((long) Math.ceil((queued.messages() + ahead) * 1000.0 / rate)))
                .truncatedTo(ChronoUnit.SECONDS);
        StringBuilder text = new StringBuilder("Dry run: nothing was sent. ");
        text.append(queued.messages()).append(" messages would go out, to ").append(queued.newRecipients())
                .append(" numbers that had none in the last 24 hours. ");
        Integer limit = null;
        Integer used = null;
        Integer left = null;
        Integer wait = null;
        Instant freesAt = null;
        int use = queued.newRecipients();
        if (tier.limits()) {
            DailyTier.Budget budget = tier.read(now);
            limit = budget.limit();
            used = budget.used();
            left = budget.remaining();
            use = Math.min(queued.newRecipients(), left);
            wait = queued.newRecipients() - use;
            freesAt = budget.freesAt();
            text.append("They would use ").append(use).append(" of the ").append(left).append(" recipients left of the daily limit of ")
                    .append(limit).append(" (arauto.send.daily-limit; ").append(used).append(" used in the last 24 hours)");
            if (wait > 0) {
                text.append("; ").append(wait).append(" would wait until numbers age out of the 24-hour window")
                        .append(freesAt != null ? ", the first at " + freesAt.truncatedTo(ChronoUnit.SECONDS) : "")
                        .append(", so it would not finish today at the current rate. ");
                finish = null;
            } else {
                text.append(". ");
            }
        } else {
            text.append("There is no daily limit (arauto.send.daily-limit=0). ");
        }
        if (finish != null) {
            text.append("At ").append(rate).append(" messages a second (arauto.send.rate)")
                    .append(ahead > 0 ? ", taking turns with " + ahead + " messages of the campaigns sending now," : "")
                    .append(" it would finish around ").append(finish).append('.');
        }
        String sendWindow = window.limits() ? window.text() : null;
        if (sendWindow != null) {
            text.append(" Only within the send window ").append(sendWindow).append(" (arauto.send.window), so it may take longer.");
        }
        String summary = text.toString().strip();
        messages.noteQueued(campaignId, summary);
        campaigns.markDirty(campaignId);
        return new DryRunEstimate(queued.messages(), queued.newRecipients(), limit, used, left, use, wait, freesAt, rate, ahead, finish,
                sendWindow, summary);
    }
}
