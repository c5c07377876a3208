package io.arauto.intake;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.verdict.MessageStatus;

/**
 * The intake as {@code /actuator/prometheus} shows it: files accepted, dry-run and rejected, rows by verdict (since this
 * instance started), and the ledger's campaigns by state (all instances, read at most every few seconds), in the style of
 * io.arauto.send.SendMetrics.
 */
@Component
public class IntakeMetrics {

    private static final long CACHED_NANOS = Duration.ofSeconds(5).toNanos();
    /** The verdicts a row gets as its file is read (section "The spreadsheet" of docs/contract.md). */
    static final MessageStatus[] VERDICTS = {MessageStatus.QUEUED, MessageStatus.INVALID, MessageStatus.DUPLICATE, MessageStatus.OPTED_OUT};

    private final MeterRegistry registry;
    private final CampaignLedger campaigns;
    private volatile Map<CampaignStatus, Integer> states = new EnumMap<>(CampaignStatus.class);
    private volatile long countedNanos;
    private volatile boolean counted;

    public IntakeMetrics(MeterRegistry registry, CampaignLedger campaigns) {
        this.registry = registry;
        this.campaigns = campaigns;
        for (String outcome : new String[] {"accepted", "dry_run", "rejected"}) {
            files(outcome); // every series from the start, at 0
        }
        for (MessageStatus verdict : VERDICTS) {
            rows(verdict, false);
            rows(verdict, true);
        }
        for (CampaignStatus state : CampaignStatus.values()) {
            Gauge.builder("arauto.campaigns", this, m -> m.count(state)).tag("state", state.name())
                    .description("Campaigns in the ledger, by state").register(registry);
        }
    }

    /** A file whose campaign was accepted (or, for a dry run, judged), with its rows counted by verdict. */
    void accepted(Map<MessageStatus, Integer> verdicts, boolean dryRun) {
        files(dryRun ? "dry_run" : "accepted").increment();
        verdicts.forEach((verdict, n) -> rows(verdict, dryRun).increment(n));
    }

    /** A file that was refused (moved to error/, or an upload answered with the reason). */
    void rejected() {
        files("rejected").increment();
    }

    private Counter files(String outcome) {
        return Counter.builder("arauto.intake.files").description("Files taken by the intake, by outcome (accepted, dry_run, rejected)")
                .tag("outcome", outcome).register(registry);
    }

    private Counter rows(MessageStatus verdict, boolean dryRun) {
        return Counter.builder("arauto.intake.rows").description("Rows of the files read, by verdict; dry_run=true for dry runs")
                .tag("verdict", verdict.name()).tag("dry_run", String.valueOf(dryRun)).register(registry);
    }

    private int count(CampaignStatus state) {
        refresh();
        return states.getOrDefault(state, 0);
    }

    /** Counted again when the last count is a few seconds old; one grouped query. */
    private synchronized void refresh() {
        if (counted && System.nanoTime() - countedNanos < CACHED_NANOS) {
            return;
        }
        try {
            states = campaigns.countByStatus();
        } catch (DataAccessException e) {
            // the ledger is away (its health says so): the last counts stand until it is back
        }
        counted = true;
        countedNanos = System.nanoTime();
    }
}
