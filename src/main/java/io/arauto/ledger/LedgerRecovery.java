package io.arauto.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * Puts the ledger right after an Arauto stopped half-way: at start, before any route runs, and
 * then every so often (route ledger-watchdog), since with several instances on one database the
 * one that stopped may not be this one. Only work left alone for {@code arauto.ledger.stale-after}
 * counts as abandoned, so what a running instance is doing is never touched. Messages left SENDING are looked
 * for only in campaigns with a message claimed since the last look ({@link MessageLedger#lastClaims}): a campaign of a
 * million rows waiting to be sent is not read every round.
 */
@Component
public class LedgerRecovery {

    private static final Logger log = LoggerFactory.getLogger(LedgerRecovery.class);

    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final ScheduleLedger schedules;
    private final ArautoProperties properties;
    private final Clock clock;
    /** Per campaign, the stale-before of this instance's last look for abandoned SENDING messages. */
    private final Map<Long, Instant> lookedBefore = new ConcurrentHashMap<>();

    public LedgerRecovery(CampaignLedger campaigns, MessageLedger messages, ScheduleLedger schedules, ArautoProperties properties,
                          Clock clock) {
        this.campaigns = campaigns;
        this.messages = messages;
        this.schedules = schedules;
        this.properties = properties;
        this.clock = clock;
    }

    @PostConstruct
    void atStart() {
        recover();
        campaigns.markRecentDirty(clock.instant().minus(Duration.ofDays(1))); // a report being written when we stopped
    }

    public void recover() {
        Instant staleBefore = clock.instant().minus(properties.getLedger().getStaleAfter());
        for (long id : campaigns.abandonedReads(staleBefore)) {
            if (!campaigns.rejectIfAbandoned(id, staleBefore)) {
                continue; // its reader renewed it meanwhile
            }
            log.warn("Campaign {} was being read when an Arauto stopped; it is dropped, and its file, still in the inbox, is read again "
                    + "(a schedule's campaign is not: its occurrence is over)", id);
        }
        int occurrences = schedules.failAbandoned(staleBefore);
        if (occurrences > 0) {
            log.warn("{} occurrence(s) of the schedules were running when an Arauto stopped; nothing of them was sent, and they are "
                    + "marked FAILED, not run again", occurrences);
        }
        // a request out as its campaign was cancelled finishes within the read time-out, well inside stale-after
        for (long id : campaigns.cancelledSince(clock.instant().minus(properties.getLedger().getStaleAfter().multipliedBy(2)))) {
            int late = campaigns.cancelLeftovers(id);
            if (late > 0) {
                log.info("Campaign {} was cancelled: {} message(s) that were on their way then came back to be tried again, and are "
                        + "cancelled too", id, late);
            }
            if (messages.uncertainIfStale(id, staleBefore) > 0) {
                campaigns.markDirty(id);
            }
        }
        Map<Long, Instant> claims = messages.lastClaims();
        lookedBefore.keySet().retainAll(claims.keySet());
        for (Map.Entry<Long, Instant> claim : claims.entrySet()) {
            long id = claim.getKey();
            Instant looked = lookedBefore.get(id);
            // every message SENDING is so since its claim, at or before the campaign's last: with no claim since this
            // instance's last look (give or take a claim whose commit took stale-after), that look saw them all
            if (looked != null && claim.getValue().isBefore(looked.minus(properties.getLedger().getStaleAfter()))) {
                continue;
            }
            int uncertain = messages.uncertainIfStale(id, staleBefore);
            lookedBefore.put(id, staleBefore);
            if (uncertain > 0) {
                campaigns.markDirty(id); // the status file must show them UNCERTAIN, not SENDING
                log.warn("Campaign {}: {} message(s) were being sent when an Arauto stopped; they are now UNCERTAIN and will not be "
                        + "sent again on their own", id, uncertain);
            }
        }
    }
}
