package io.arauto.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.StampedRows;
import io.arauto.optout.CrmUnavailableException;
import io.arauto.optout.OptOutList;
import io.arauto.read.Row;
import io.arauto.read.RowSource;
import io.arauto.read.SpreadsheetReaders;
import io.arauto.support.Exchanges;
import io.arauto.support.PhoneMask;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.verdict.FileVerdicts;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * A campaign's life as its file comes in, whatever the file's source: checks where the file was
 * dropped and what it is, opens its campaign, hands out its rows in batches, closes the campaign
 * once every row is in, and marks it archived once the file has left the inbox. A file that cannot
 * be taken is rejected, with its campaign, and gets a {@link RejectionNote}. Rows that are no file
 * (a schedule's query) take the same way from {@link #openRows} to {@link #closeRows}.
 */
@Component
public class CampaignIntake {

    private static final Logger log = LoggerFactory.getLogger(CampaignIntake.class);
    /** The sub-folder of a template's folder whose files are dry runs: judged in full, nothing sent. */
    public static final String DRY_RUN_FOLDER = "dry-run";

    private final ArautoProperties properties;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final SpreadsheetReaders readers;
    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final OptOutList optOuts;
    private final List<SourceArchive> archives;
    private final ObjectProvider<SourceOriginals> originals;
    private final RejectionNote notes;
    private final AuditLog audit;
    private final IntakeMetrics metrics;
    private final Clock clock;

    public CampaignIntake(ArautoProperties properties, TemplateCatalog templates, TemplateBinder binder, SpreadsheetReaders readers,
                          CampaignLedger campaigns, MessageLedger messages, OptOutList optOuts, List<SourceArchive> archives,
                          ObjectProvider<SourceOriginals> originals, RejectionNote notes, AuditLog audit, IntakeMetrics metrics,
                          Clock clock) {
        this.metrics = metrics;
        this.properties = properties;
        this.templates = templates;
        this.binder = binder;
        this.readers = readers;
        this.campaigns = campaigns;
        this.messages = messages;
        this.optOuts = optOuts;
        this.archives = archives;
        this.originals = originals;
        this.notes = notes;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Opens the campaign of a file dropped at {@code relativePath} (template folder / file name)
     * under the intake folder of {@code source} ({@link Exchanges#FOLDER}, {@link Exchanges#SFTP}).
     */
    public OpenIntake open(String path, String relativePath, String source) throws RejectedFileException, IOException {
        Path file = Path.of(path);
        Path relative = Path.of(relativePath);
        String fileName = relative.getFileName().toString();
        boolean dryRun = relative.getNameCount() == 3 && relative.getName(1).toString().equals(DRY_RUN_FOLDER);
        if (relative.getNameCount() != 2 && !dryRun) {
            throw new RejectedFileException(relative.getNameCount() == 1
                    ? "The file was dropped directly in the inbox, with no template folder. Drop it in inbox/<template>/, "
                    + "where <template> is one of: " + String.join(", ", templates.names()) + "."
                    : "The file is in a nested folder (" + relativePath + "); drop it directly in inbox/<template>/, or in "
                    + "inbox/<template>/" + DRY_RUN_FOLDER + "/ for a dry run that sends nothing.");
        }
        if (Files.isSymbolicLink(file)) { // nothing of its target is read: it may be any file on this machine
            throw new RejectedFileException(RejectionNote.symbolicLink(relative.getName(0).toString()));
        }
        String template = relative.getName(0).toString();
        SourceOriginals original = originalOf(source);
        FileState copied = original == null ? null : original.whenCopied(relativePath);
        FileState atOpen = copied != null ? copied : FileState.of(file);
        String sha256 = FileFingerprint.sha256(file);
        audit.record(AuditEvent.FILE_RECEIVED, null, details("file", relativePath, "source", source, "sha256", sha256,
                "bytes", Files.size(file), "dry_run", dryRun));
        TemplateCatalog.Lookup lookup = templates.find(template);
        if (lookup.template() == null) {
            throw new RejectedFileException(lookup.problem());
        }
        Instant since = duplicateWindowStart();
        Optional<Campaign> same = campaigns.findSameFile(template, sha256, since);
        if (same.isPresent() && unarchivedOriginal(same.get(), source, relativePath)) {
            return OpenIntake.acceptedBefore(fileName, template, sha256, same.get().id());
        }
        if (same.isPresent()) {
            throw new RejectedFileException("This file is byte-for-byte identical to '" + same.get().name()
                    + "', already accepted as campaign " + same.get().id() + " at " + same.get().createdAt()
                    + ". Identical files are refused for " + properties.getIntake().getDuplicateWindow().toDays()
                    + " days so nobody is messaged twice; change the file if it really is a new campaign.");
        }
        RowSource rows = readers.open(file, fileName, header -> fits(lookup, header));
        return begin(fileName, lookup, source, relativePath, sha256, rows, file, copied != null ? original : null, atOpen, dryRun);
    }

    /**
     * Opens the campaign {@code name} of template {@code template} whose rows are not a dropped file but come from
     * {@code rows} (a query's result: {@link io.arauto.read.QueryRowSource}); {@code origin} names where they come
     * from, as the campaign's source file. The rows then go the way a file's do (route campaign-rows), and
     * {@link #closeRows} accepts the campaign. The rows are closed when the campaign cannot be opened.
     */
    public OpenIntake openRows(String name, String template, String source, String origin, RowSource rows)
            throws RejectedFileException, IOException {
        TemplateCatalog.Lookup lookup = templates.find(template);
        if (lookup.template() == null) {
            rows.close();
            throw new RejectedFileException(lookup.problem());
        }
        return begin(name, lookup, source, origin, null, rows, null, null, null, false);
    }

    /**
     * Checks the header against the template and opens the campaign in the ledger, READING. {@code changesOf}: where
     * the original of a downloaded copy is looked at again before the campaign goes out (null for a local file).
     * {@code dryRun}: a file of {@code <template>/dry-run/}, judged in full and never sent.
     */
    private OpenIntake begin(String name, TemplateCatalog.Lookup lookup, String source, String origin, String sha256, RowSource rows,
                             Path file, SourceOriginals changesOf, FileState atOpen, boolean dryRun)
            throws RejectedFileException, IOException {
        String template = lookup.template().name();
        try {
            List<String> header = rows.header();
            if (header.isEmpty()) {
                throw new RejectedFileException(file != null ? "The file is empty: it has no header row." : "The query returned no columns.");
            }
            TemplateBinding binding = binder.bind(lookup.template(), header);
            String headerProblem = HeaderCheck.problem(header, binding);
            if (headerProblem != null) {
                throw new RejectedFileException(headerProblem);
            }
            OptOutList.Snapshot snapshot = optOuts.snapshot();
            long id = campaigns.create(name, template, source, origin, sha256, header);
            LedgerWriter<StampedRows> writer = new LedgerWriter<>("ledger-writer-" + id, batch -> messages.insert(id, batch));
            return new OpenIntake(name, template, sha256, id, rows, new FileVerdicts(name, id, binding, snapshot, dryRun), writer, file,
                    changesOf, atOpen, dryRun);
        } catch (TemplateBinder.MissingColumnsException e) {
            rows.close();
            throw new RejectedFileException(e.getMessage());
        } catch (RejectedFileException | RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /** Whether a header has every column the template needs. */
    private boolean fits(TemplateCatalog.Lookup lookup, List<String> header) {
        try {
            binder.bind(lookup.template(), header);
            return true;
        } catch (TemplateBinder.MissingColumnsException e) {
            return false;
        }
    }

    /** The file's rows in batches of {@code arauto.intake.batch-size} (unset: the ledger's {@link MessageLedger#batchRows}), in file order. */
    public Iterator<List<Row>> batches(OpenIntake intake) {
        Integer configured = properties.getIntake().getBatchSize();
        int size = configured != null ? configured : messages.batchRows();
        RowSource rows = intake.rows();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public List<Row> next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Row> batch = new ArrayList<>(size);
                while (batch.size() < size && rows.hasNext()) {
                    batch.add(rows.next());
                }
                return batch;
            }
        };
    }

    /**
     * Puts a judged batch in the ledger, in file order, while the caller reads and judges the next one. Returns the
     * batch as the ledger stamps it, for whatever writes the campaign's first status files meanwhile (route campaign-rows).
     */
    public StampedRows write(OpenIntake intake, List<JudgedRow> rows) {
        StampedRows stamped = new StampedRows(rows, messages.stamp());
        intake.writer().write(stamped);
        return stamped;
    }

    /**
     * Every row is in the ledger: the campaign may go out. Returns the file's name in the archive,
     * {@code <template>/<name>.<campaign-id>.<ext>}, relative to whichever archive folder its source has.
     */
    public String close(OpenIntake intake) throws RejectedFileException, IOException {
        return close(intake, null);
    }

    /**
     * As {@link #close(OpenIntake)}, for a campaign none of whose messages may go out before {@code sendAt} (an upload's
     * send-at; null: at once): they wait until then, which they say as their reason, from the moment the campaign is ACTIVE.
     */
    public String close(OpenIntake intake, OffsetDateTime sendAt) throws RejectedFileException, IOException {
        intake.writer().finish();
        intake.rows().close();
        if (intake.acceptedBefore()) {
            log.warn("{}/{} was read again after its campaign {} had been accepted, but before the file was archived (Arauto or the "
                    + "server stopped in between, or the move failed); it is archived as campaign {} and nothing of it is sent again",
                    intake.template(), intake.fileName(), intake.campaignId(), intake.campaignId());
            return FileNames.archiveName(intake.template(), intake.fileName(), intake.campaignId());
        }
        // a copy (SFTP) is compared through its original, on the server: the copy itself never changes
        SourceOriginals original = intake.original();
        String relativePath = intake.relativePath();
        FileState now;
        String nowWords;
        try {
            now = original != null ? original.now(relativePath) : FileState.of(intake.path());
            nowWords = now == null ? "now it is not there" : "now " + now.size() + " bytes, modified " + Instant.ofEpochMilli(now.modifiedMillis());
        } catch (IOException cannotLook) {
            if (original == null) {
                throw cannotLook;
            }
            now = null; // not known to be the same: nothing of it may go out
            nowWords = "and it could not be looked at again: " + cannotLook.getMessage();
        }
        if (!intake.atOpen().equals(now)) {
            campaigns.reject(intake.campaignId()); // still READING: nothing of it was sent, and its rows leave the ledger
            String where = original != null ? " on the " + original.source().toUpperCase(java.util.Locale.ROOT) + " server" : "";
            log.warn("{}{} changed while it was being read ({} bytes, modified {} when it was {}; {}): campaign {} is dropped "
                    + "before anything of it was sent, and the file is read again once it has stopped changing",
                    relativePath, where, intake.atOpen().size(), Instant.ofEpochMilli(intake.atOpen().modifiedMillis()),
                    original != null ? "downloaded" : "opened", nowWords, intake.campaignId());
            audit.record(AuditEvent.FILE_REJECTED, intake.campaignId(), details("file", relativePath,
                    "reason", "the file changed while it was being read; it is read again once it has stopped changing"));
            if (original == null) { // the inbox route reads it again at once, once still; a source of copies reads it at a later poll
                awaitStable(intake.path());
            }
            return null;
        }
        FileVerdicts verdicts = intake.verdicts();
        if (verdicts.rowsJudged() == 0) {
            throw new RejectedFileException("The file has a header but no rows below it.");
        }
        int queued = verdicts.counts().getOrDefault(MessageStatus.QUEUED, 0);
        Instant since = duplicateWindowStart();
        Optional<Long> twin;
        try {
            twin = campaigns.markReadUnlessTwin(intake.campaignId(), intake.template(), intake.sha256(), since,
                    verdicts.rowsJudged(), queued > 0, intake.dryRun(), sendAt == null ? null : sendAt.toInstant(),
                    sendAt == null ? null : waitingFor(sendAt));
        } catch (IllegalStateException dropped) {
            throw new RejectedFileException("Campaign " + intake.campaignId() + " was dropped while this file was being read (it "
                    + "looked abandoned to the ledger watchdog). Nothing of it will be sent; drop the file again.");
        }
        if (twin.isPresent()) {
            throw new RejectedFileException("A byte-for-byte identical file was accepted as campaign " + twin.get()
                    + " while this one was being read; nothing of this copy is sent, so nobody is messaged twice.");
        }
        created(intake, details("file", intake.relativePath(), "sha256", intake.sha256()));
        metrics.accepted(verdicts.counts(), intake.dryRun());
        return FileNames.archiveName(intake.template(), intake.fileName(), intake.campaignId());
    }

    /**
     * Every row of a campaign opened by {@link #openRows} is in the ledger: the campaign may go out (or is done at once
     * when nothing was queued, a query that found nobody included). {@code details} say where its rows came from, for the
     * audit. Returns the campaign's id.
     */
    public long closeRows(OpenIntake intake, Map<String, Object> details) throws RejectedFileException, IOException {
        intake.writer().finish();
        intake.rows().close();
        FileVerdicts verdicts = intake.verdicts();
        int queued = verdicts.counts().getOrDefault(MessageStatus.QUEUED, 0);
        if (!campaigns.markRead(intake.campaignId(), verdicts.rowsJudged(), queued > 0)) {
            throw new RejectedFileException("Campaign " + intake.campaignId() + " was dropped while its rows were being read (it "
                    + "looked abandoned to the ledger watchdog); nothing of it will be sent.");
        }
        created(intake, new LinkedHashMap<>(details));
        return intake.campaignId();
    }

    private static final DateTimeFormatter SEND_AT_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");
    private static final DateTimeFormatter SEND_AT_SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    /** The reason a message of a campaign with a send-at shows until then, in the send-at's own offset. */
    static String waitingFor(OffsetDateTime sendAt) {
        OffsetDateTime at = sendAt.withNano(0);
        return "Waiting: sends from " + (at.getSecond() == 0 ? SEND_AT_MINUTE : SEND_AT_SECOND).format(at) + " (send-at)";
    }

    /** Says in the audit and the log that the campaign was created, with its counts. */
    private void created(OpenIntake intake, Map<String, Object> details) {
        FileVerdicts verdicts = intake.verdicts();
        Map<MessageStatus, Integer> counts = verdicts.counts();
        int queued = counts.getOrDefault(MessageStatus.QUEUED, 0);
        details.put("template", intake.template());
        details.put("rows", verdicts.rowsJudged());
        details.put("dry_run", intake.dryRun());
        counts.forEach((status, n) -> details.put(status.name().toLowerCase(), n));
        audit.record(AuditEvent.CAMPAIGN_CREATED, intake.campaignId(), details);
        log.info("{}/{}: {} {} created, {} rows: {} queued, {} invalid, {} duplicate, {} opted out ({} ms, {} rows/s)",
                intake.template(), intake.fileName(), intake.dryRun() ? "dry run (nothing is sent), campaign" : "campaign",
                intake.campaignId(), verdicts.rowsJudged(), queued,
                counts.getOrDefault(MessageStatus.INVALID, 0), counts.getOrDefault(MessageStatus.DUPLICATE, 0),
                counts.getOrDefault(MessageStatus.OPTED_OUT, 0), verdicts.elapsedMillis(),
                verdicts.rowsJudged() * 1000L / Math.max(1, verdicts.elapsedMillis()));
    }

    /**
     * A campaign opened by {@link #openRows} that failed before it was accepted: it is dropped with all its rows, so nothing
     * of it is ever sent (true). False when it had been accepted already and only what came after failed.
     */
    public boolean dropRows(OpenIntake intake) throws IOException {
        CampaignStatus found = drop(intake);
        return found == null || found == CampaignStatus.REJECTED;
    }

    /**
     * Drops a campaign that failed while READING, with its rows: null when this dropped it; otherwise it was not READING
     * any more, and its status says why: REJECTED by the ledger watchdog meanwhile, or accepted before the failure.
     */
    private CampaignStatus drop(OpenIntake intake) throws IOException {
        intake.writer().abort(); // no batch may land after the campaign's rows are deleted
        boolean rejected;
        try {
            intake.rows().close();
        } finally {
            rejected = campaigns.reject(intake.campaignId());
        }
        // not READING any more: accepted before the failure, or dropped by the ledger watchdog meanwhile
        return rejected ? null : campaigns.find(intake.campaignId()).map(Campaign::status).orElse(CampaignStatus.REJECTED);
    }

    /**
     * Waits until the file's size and time have stayed the same for {@code arauto.intake.stable-for}, looking every
     * {@code arauto.intake.read-lock-check-interval}, as the inbox does before it takes a file.
     */
    private void awaitStable(Path file) throws IOException {
        long stableFor = properties.getIntake().getStableFor().toNanos();
        long interval = Math.max(1, properties.getIntake().getReadLockCheckInterval().toNanos());
        FileState seen = FileState.of(file);
        long since = System.nanoTime();
        while (System.nanoTime() - since < stableFor) {
            LockSupport.parkNanos(interval);
            if (Thread.currentThread().isInterrupted()) {
                return; // stopping: the file is read again at the next start
            }
            FileState now = FileState.of(file);
            if (!now.equals(seen)) {
                seen = now;
                since = System.nanoTime();
            }
        }
    }

    private SourceOriginals originalOf(String source) {
        return originals.orderedStream().filter(o -> o.source().equals(source)).findFirst().orElse(null);
    }

    /** Identical files received since this instant are duplicates ({@code arauto.intake.duplicate-window}). */
    private Instant duplicateWindowStart() {
        return clock.instant().minus(properties.getIntake().getDuplicateWindow());
    }

    /**
     * The campaign's file has left its source's inbox for the archive: from now on the same bytes
     * read again from the same place are a new drop (refused as identical), not this campaign's file
     * read again. The one place for every source: the folder route says so as it sets the archive
     * target (a local move does not fail in practice), the SFTP intake once the server no longer
     * lists the file (SftpReadLockStrategy).
     */
    public void archived(long campaignId) {
        campaigns.markArchived(campaignId);
    }

    /**
     * A file that cannot be taken: a campaign it had opened is rejected with all its rows, so
     * nothing of it is ever sent. Returns the rejection, whose note its source writes in error/ as it
     * claims the file's name there; {@link #movedToError} then says where it went.
     */
    public Rejection reject(OpenIntake intake, String relativePath, Throwable cause) throws IOException {
        String reason = notes.reason(cause);
        boolean accepted = intake != null && intake.acceptedBefore();
        if (intake != null && !accepted) {
            CampaignStatus found = drop(intake);
            if (found == CampaignStatus.REJECTED) {
                reason = notes.droppedByWatchdog(intake.campaignId());
            } else if (found != null) {
                accepted = true;
            }
        }
        if (accepted) {
            reason = notes.acceptedBefore(intake.campaignId(), reason);
        } else {
            metrics.rejected();
        }
        audit.record(AuditEvent.FILE_REJECTED, intake == null ? null : intake.campaignId(), details("file", relativePath, "reason", reason));
        return new Rejection(relativePath, reason, accepted, clock.instant());
    }

    /** The operator's line for a file rejected into {@code errorTarget}. */
    public void movedToError(Rejection rejection, String errorTarget) {
        // the reason can quote the file (a header that is really a row of data): its phones are masked here
        log.warn("{} rejected, moved to error/{}: {}", rejection.relativePath(), Path.of(errorTarget).getFileName(),
                PhoneMask.maskAll(rejection.reason()));
    }

    /**
     * An uploaded file that cannot be taken ({@code POST /api/campaigns}): rejected like a dropped one, with
     * its campaign, but nothing goes to error/, as the uploader gets the reason in the answer. Returns it.
     */
    public String rejectUpload(OpenIntake intake, String relativePath, Throwable cause) throws IOException {
        Rejection rejection = reject(intake, relativePath, cause);
        log.warn("Upload {} rejected: {}", relativePath, PhoneMask.maskAll(rejection.reason()));
        return rejection.reason();
    }

    /**
     * The same bytes, from the same source and path, as an accepted campaign whose file never left the
     * inbox: a crash or an outage came between accepting the campaign and archiving its file.
     */
    private boolean unarchivedOriginal(Campaign earlier, String source, String relativePath) {
        if (!source.equals(earlier.source()) || !relativePath.equals(earlier.sourceFile())) {
            return false;
        }
        // a source that can look into its archive itself says; for the others the ledger's archived mark does
        return archives.stream().filter(a -> a.source().equals(source)).findFirst()
                .map(archive -> !archive.holds(earlier))
                .orElse(earlier.archivedAt() == null);
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
