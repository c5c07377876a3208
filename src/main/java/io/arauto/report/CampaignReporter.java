package io.arauto.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.StampedRows;
import io.arauto.support.ShortNames;

/** Rewrites a campaign's status files in the outbox from the ledger. */
@Component
public class CampaignReporter {

    private static final Logger log = LoggerFactory.getLogger(CampaignReporter.class);

    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final StatusReportWriter writer;
    private final ArautoProperties properties;
    private final Map<Long, Written> written = new ConcurrentHashMap<>();
    /** Campaigns whose report is being written now, each by one writer: they wait for the next round. */
    private final Set<Long> writing = ConcurrentHashMap.newKeySet();

    /** Rewrites of a campaign still sending are this many times as far apart as the CPU time its last writing took. */
    static final int PACE = 10;

    private record Written(long atNanos, long cpuNanos) { }

    private final LongSupplier nanoTime;

    @Autowired
    public CampaignReporter(CampaignLedger campaigns, MessageLedger messages, StatusReportWriter writer, ArautoProperties properties) {
        this(campaigns, messages, writer, properties, System::nanoTime);
    }

    /** For tests: a clock of their own for the pacing. */
    CampaignReporter(CampaignLedger campaigns, MessageLedger messages, StatusReportWriter writer, ArautoProperties properties,
                     LongSupplier nanoTime) {
        this.campaigns = campaigns;
        this.messages = messages;
        this.writer = writer;
        this.properties = properties;
        this.nanoTime = nanoTime;
    }

    /**
     * Campaigns whose status changed since their report was last written, claimed for writing. A
     * campaign still sending waits, from the end of its last writing, ten times the CPU time that
     * writing took, so that rewriting a big report costs at most a tenth of a core; a campaign's
     * last report, once nothing is left to send, is written at once (someone is waiting for it). A
     * campaign whose report is being written now waits for the next round.
     */
    public List<Long> due() {
        long now = nanoTime.getAsLong();
        return campaigns.dirtyReports().stream().filter(id -> take(id, now)).toList();
    }

    /**
     * A campaign whose file was just read, claimed for writing at once when its report may be written now (by
     * {@link #due}'s rules): the person who dropped the file waits for its first status files, not for the next round.
     */
    public List<Long> dueNow(long campaignId) {
        // (a file refused whole, or one still being read, has no status file: only a note in error/)
        boolean reported = campaigns.find(campaignId)
                .map(c -> c.status() != CampaignStatus.READING && c.status() != CampaignStatus.REJECTED).orElse(false);
        return reported && take(campaignId, nanoTime.getAsLong()) ? List.of(campaignId) : List.of();
    }

    /** Whether the campaign's report may be written now, and if so claimed for writing. */
    private boolean take(long id, long now) {
        if (writing.contains(id)) {
            return false;
        }
        Written last = written.get(id);
        if (last != null && now - last.atNanos < PACE * last.cpuNanos && !settled(id)) {
            return false;
        }
        if (!writing.add(id)) {
            return false;
        }
        boolean claimed = false;
        try {
            claimed = campaigns.claimReport(id);
        } finally {
            if (!claimed) {
                writing.remove(id);
            }
        }
        return claimed;
    }

    private boolean settled(long id) {
        return campaigns.find(id).map(c -> c.status() != CampaignStatus.ACTIVE && c.status() != CampaignStatus.PAUSED).orElse(false);
    }

    /** Writes the campaign's status files in the outbox; returns the campaign, for whatever copies them elsewhere. */
    public Campaign write(long campaignId) {
        try {
            return writeNow(campaignId);
        } finally {
            writing.remove(campaignId); // after its pacing is known, and whatever happened (else it would never be written again)
        }
    }

    private Campaign writeNow(long campaignId) {
        Campaign campaign = campaigns.find(campaignId).orElseThrow();
        Path csv = csvFile(campaign);
        Path xlsx = statusFile(campaign, "xlsx").toPath();
        long started = nanoTime.getAsLong();
        long cpuStarted = StatusReportWriter.cpuNanos();
        long[] sheetCpu = new long[1];
        try {
            messages.withLines(campaignId, lines -> sheetCpu[0] = writer.write(csv, xlsx, campaign.inputHeader(), lines).writersCpuNanos());
        } catch (RuntimeException e) {
            campaigns.markDirty(campaignId); // try again on the next round
            throw e;
        }
        long finished = nanoTime.getAsLong();
        long cpu = StatusReportWriter.cpuNanos() - cpuStarted + sheetCpu[0];
        if (!paced(campaignId, finished, cpu)) { // the first time in this run; rewrites are routine
            log.info("Campaign {}: status file {} written ({} ms, {} ms CPU)", campaignId, csv, (finished - started) / 1_000_000,
                    cpu / 1_000_000);
        } else {
            log.debug("Campaign {}: status file {} rewritten ({} ms, {} ms CPU)", campaignId, csv, (finished - started) / 1_000_000,
                    cpu / 1_000_000);
        }
        return campaign;
    }

    /** First status files being written while their campaign's file is read, by campaign. */
    private final Map<Long, WhileRead> drafts = new ConcurrentHashMap<>();
    /** First status files written while their file was read, on their way into place, until status-report-now asks. */
    private final Map<Long, CompletableFuture<Campaign>> placing = new ConcurrentHashMap<>();

    private record WhileRead(StatusReportWriter.Draft draft, long startedNanos) { }

    /**
     * Starts writing the first status files of a campaign whose file is about to be read (route campaign-intake), on
     * threads of their own: the rows come from {@link #whileRead} as they are judged, so the files are ready about when
     * the file is read, instead of being written from the ledger after it. Only for a file whose report is what the
     * ledger holds once it is read: not a dry run or an upload with a send-at, whose messages get their reasons after.
     * Whatever goes wrong here only means the report is written from the ledger, as it would otherwise be.
     */
    public void beginWhileRead(long campaignId) {
        try {
            Campaign campaign = campaigns.find(campaignId).filter(c -> c.status() == CampaignStatus.READING).orElse(null);
            if (campaign != null) {
                drafts.put(campaignId, new WhileRead(writer.draft(csvFile(campaign), statusFile(campaign, "xlsx").toPath(),
                        campaign.inputHeader()), nanoTime.getAsLong()));
            }
        } catch (RuntimeException e) {
            log.warn("Campaign {}: its status files will be written once its file is read, not while it is read: {}", campaignId,
                    e.getMessage());
        }
    }

    /** A judged batch of the campaign's rows, just handed to the ledger (route campaign-rows), for its first status files. */
    public void whileRead(long campaignId, StampedRows rows) {
        WhileRead draft = drafts.get(campaignId);
        if (draft != null && !draft.draft().add(rows.lines())) {
            drafts.remove(campaignId); // the writing failed, and says why when it is discarded: written from the ledger instead
            draft.draft().discard();
        }
    }

    /**
     * The campaign's file is read, or its reading failed (route campaign-intake, whatever happened): the first status
     * files written meanwhile are finished and moved into place when the campaign was accepted, and thrown away, with
     * their temporary files, when it was not (a rejected file has no status file). Once in place the campaign's report
     * is paced as if written from the ledger, and it stays due: a later round writes it again from the ledger, so that
     * whatever changed while the file was read (a number that opted out meanwhile) shows.
     */
    public void endWhileRead(long campaignId) {
        WhileRead draft = drafts.remove(campaignId);
        if (draft == null) {
            return;
        }
        Campaign campaign = null;
        try {
            campaign = campaigns.find(campaignId).filter(c -> c.status() != CampaignStatus.READING
                    && c.status() != CampaignStatus.REJECTED && c.status() != CampaignStatus.DRY_RUN).orElse(null);
        } catch (RuntimeException e) {
            log.debug("Campaign {}: the ledger could not say whether it was accepted; its status files are written from it later",
                    campaignId, e);
        }
        if (campaign == null || !writing.add(campaignId)) { // not accepted, or a round is writing it from the ledger already
            draft.draft().discard();
            return;
        }
        Campaign accepted = campaign;
        Path csv = csvFile(campaign);
        if (placing.size() > 1_000) {
            placing.clear(); // only for status-report-now, which asks at once; left over when it could not run
        }
        placing.put(campaignId, draft.draft().complete().handle((done, failure) -> {
            try {
                if (failure != null) {
                    log.warn("Campaign {}: its status files could not be written while its file was read ({}); they are written "
                            + "from the ledger", campaignId, failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                    return null;
                }
                long finished = nanoTime.getAsLong();
                paced(campaignId, finished, done.writersCpuNanos());
                log.info("Campaign {}: status file {} written ({} ms, {} ms CPU, while its file was read)", campaignId, csv,
                        (finished - draft.startedNanos()) / 1_000_000, done.writersCpuNanos() / 1_000_000);
                return accepted;
            } finally {
                writing.remove(campaignId);
            }
        }));
    }

    /**
     * The campaign whose first status files were written while its file was read, once they are in place (route
     * status-report-now, for whatever copies them elsewhere); null when they were not, and are to be written from the ledger.
     */
    public Campaign writtenWhileRead(long campaignId) {
        CompletableFuture<Campaign> placed = placing.remove(campaignId);
        if (placed == null) {
            return null;
        }
        try {
            return placed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /**
     * At the start: the temporary files of status files a stop in the middle of their writing left in the outbox (the
     * process killed while a file was read) are deleted; the reports themselves are written again from the ledger.
     */
    @PostConstruct
    void deleteLeftovers() {
        try {
            int deleted = writer.deleteLeftovers(properties.outboxDir());
            if (deleted > 0) {
                log.info("Deleted {} unfinished status files left in {} by the last run", deleted, properties.outboxDir());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not look for unfinished status files in {}: {}", properties.outboxDir(), e.getMessage());
        }
    }

    /** Reports being written while their file is read, at a stop: thrown away with their temporary files. */
    @PreDestroy
    void stop() {
        drafts.keySet().forEach(id -> {
            WhileRead draft = drafts.remove(id);
            if (draft != null) {
                try {
                    draft.draft().discard().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // what is left is deleted at the next start
                }
            }
        });
    }

    /** Remembers when the campaign's report was written and the CPU it took, for pacing; false the first time in this run. */
    private boolean paced(long campaignId, long finishedNanos, long cpuNanos) {
        if (written.size() > 10_000) {
            written.clear(); // only pacing hints; forgetting them costs one early rewrite each
        }
        return written.put(campaignId, new Written(finishedNanos, Math.max(cpuNanos, 0))) != null;
    }

    static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }

    /** A campaign's status file in the outbox, {@code csv} or {@code xlsx}, as last written. */
    public java.io.File statusFile(Campaign campaign, String extension) {
        Path csv = csvFile(campaign);
        return (extension.equals("csv") ? csv : csv.resolveSibling(csv.getFileName().toString().replaceFirst("\\.csv$", "." + extension)))
                .toFile();
    }

    /**
     * The CSV report of a campaign, for whoever needs to find it: {@code <file-base>.<campaign-id>.status.csv}, the base
     * cut short so that the XLSX twin has at most {@link #STATUS_NAME_MAX} bytes and its temporary name still fits.
     */
    public Path csvFile(Campaign campaign) {
        String tail = "." + campaign.id() + ".status.csv";
        String base = ShortNames.fit(baseName(campaign.name()), STATUS_NAME_MAX - ShortNames.bytes(tail) - 1); // xlsx: one more byte
        return properties.outboxDir().resolve(base + tail);
    }

    /** 255 bytes less what a temporary name adds: {@code .<name>.<uuid>.tmp} (42) locally, {@code .<name>.tmp} on the SFTP server. */
    static final int STATUS_NAME_MAX = ShortNames.NAME_MAX - 42 - 13; // 200
}
