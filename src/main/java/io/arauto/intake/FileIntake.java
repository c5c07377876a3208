package io.arauto.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.ledger.MessageLedger;
import io.arauto.optout.CrmUnavailableException;
import io.arauto.optout.OptOutList;
import io.arauto.read.Row;
import io.arauto.read.RowSource;
import io.arauto.read.SpreadsheetReaders;
import io.arauto.read.UnreadableFileException;
import io.arauto.report.AuditLog;
import io.arauto.template.TemplateBinder;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateCatalog;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * Takes a dropped file into the ledger: checks where it was dropped and what it is, opens its
 * campaign, hands out its rows in batches, and closes the campaign once every row is in. A file
 * that cannot be taken is rejected with a reason its sender can act on.
 */
@Component
public class FileIntake {

    private static final Logger log = LoggerFactory.getLogger(FileIntake.class);
    private static final String SOURCE_FOLDER = "folder";

    private final ArautoProperties properties;
    private final TemplateCatalog templates;
    private final TemplateBinder binder;
    private final SpreadsheetReaders readers;
    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final OptOutList optOuts;
    private final AuditLog audit;
    private final Clock clock;

    public FileIntake(ArautoProperties properties, TemplateCatalog templates, TemplateBinder binder, SpreadsheetReaders readers,
                      CampaignLedger campaigns, MessageLedger messages, OptOutList optOuts, AuditLog audit, Clock clock) {
        this.properties = properties;
        this.templates = templates;
        this.binder = binder;
        this.readers = readers;
        this.campaigns = campaigns;
        this.messages = messages;
        this.optOuts = optOuts;
        this.audit = audit;
        this.clock = clock;
    }

    /** Where a file goes if it is rejected: error/&lt;name&gt;, or a time-stamped name when that is taken. */
    public String errorTarget(String fileName) {
        Path dir = properties.errorDir().toAbsolutePath().normalize();
        Path target = dir.resolve(fileName);
        if (Files.exists(target) || Files.exists(dir.resolve(fileName + ".error.txt"))) {
            target = dir.resolve(FileNames.timeStamped(fileName, clock.instant()));
        }
        return target.toString();
    }

    /**
     * Opens the campaign of a file dropped at {@code relativePath} (template folder / file name)
     * under the intake folder.
     */
    public Intake open(String path, String relativePath, String source) throws RejectedFileException, IOException {
        Path file = Path.of(path);
        Path relative = Path.of(relativePath);
        String fileName = relative.getFileName().toString();
        if (relative.getNameCount() != 2) {
            throw new RejectedFileException(relative.getNameCount() == 1
                    ? "The file was dropped directly in the inbox, with no template folder. Drop it in inbox/<template>/, "
                    + "where <template> is one of: " + String.join(", ", templates.names()) + "."
                    : "The file is in a nested folder (" + relativePath + "); drop it directly in inbox/<template>/.");
        }
        String template = relative.getName(0).toString();
        String sha256 = FileFingerprint.sha256(file);
        audit.record("file_received", null, details("file", relativePath, "source", source, "sha256", sha256,
                "bytes", Files.size(file)));
        TemplateCatalog.Lookup lookup = templates.find(template);
        if (lookup.template() == null) {
            throw new RejectedFileException(lookup.problem());
        }
        Instant since = duplicateWindowStart();
        Optional<Campaign> same = campaigns.findSameFile(template, sha256, since);
        if (same.isPresent() && unarchivedOriginal(same.get(), source, relativePath)) {
            return Intake.acceptedBefore(file, fileName, template, sha256, same.get().id());
        }
        if (same.isPresent()) {
            throw new RejectedFileException("This file is byte-for-byte identical to '" + same.get().name()
                    + "', already accepted as campaign " + same.get().id() + " at " + same.get().createdAt()
                    + ". Identical files are refused for " + properties.getIntake().getDuplicateWindow().toDays()
                    + " days so nobody is messaged twice; change the file if it really is a new campaign.");
        }
        RowSource rows = readers.open(file, fileName);
        try {
            List<String> header = rows.header();
            if (header.isEmpty()) {
                throw new RejectedFileException("The file is empty: it has no header row.");
            }
            TemplateBinding binding = binder.bind(lookup.template(), header);
            OptOutList.Snapshot snapshot = optOuts.snapshot();
            long id = campaigns.create(fileName, template, source, relativePath, sha256, header);
            LedgerWriter writer = new LedgerWriter("ledger-writer-" + id, batch -> messages.insert(id, batch));
            return new Intake(file, fileName, template, sha256, id, binding, rows, snapshot, writer);
        } catch (TemplateBinder.MissingColumnsException e) {
            rows.close();
            throw new RejectedFileException(e.getMessage());
        } catch (RejectedFileException | RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /** The file's rows in batches of {@code arauto.intake.batch-size}, in file order. */
    public Iterator<List<Row>> batches(Intake intake) {
        int size = properties.getIntake().getBatchSize();
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

    /** Puts a judged batch in the ledger, in file order, while the caller reads and judges the next one. */
    public void write(Intake intake, List<JudgedRow> rows) {
        intake.writer().write(rows);
    }

    /**
     * Every row is in the ledger: the campaign may go out. Returns the file's name in the archive,
     * {@code <template>/<name>.<campaign-id>.<ext>}, relative to whichever archive folder its source has.
     */
    public String close(Intake intake) throws RejectedFileException, IOException {
        intake.writer().finish();
        intake.rows().close();
        if (intake.acceptedBefore()) {
            log.warn("{}/{} was read again after its campaign {} had been accepted, but before the file was archived (Arauto or the "
                    + "server stopped in between); it is archived as campaign {} and nothing of it is sent again",
                    intake.template(), intake.fileName(), intake.campaignId(), intake.campaignId());
            return FileNames.archiveName(intake.template(), intake.fileName(), intake.campaignId());
        }
        if (intake.rowsJudged() == 0) {
            throw new RejectedFileException("The file has a header but no rows below it.");
        }
        Map<MessageStatus, Integer> counts = intake.counts();
        int queued = counts.getOrDefault(MessageStatus.QUEUED, 0);
        Instant since = duplicateWindowStart();
        Optional<Long> twin;
        try {
            twin = campaigns.markReadUnlessTwin(intake.campaignId(), intake.template(), intake.sha256(), since,
                    intake.rowsJudged(), queued > 0);
        } catch (IllegalStateException dropped) {
            throw new RejectedFileException("Campaign " + intake.campaignId() + " was dropped while this file was being read (it "
                    + "looked abandoned to the ledger watchdog). Nothing of it will be sent; drop the file again.");
        }
        if (twin.isPresent()) {
            throw new RejectedFileException("A byte-for-byte identical file was accepted as campaign " + twin.get()
                    + " while this one was being read; nothing of this copy is sent, so nobody is messaged twice.");
        }
        Map<String, Object> details = details("file", intake.template() + "/" + intake.fileName(), "sha256", intake.sha256(),
                "template", intake.template(), "rows", intake.rowsJudged());
        counts.forEach((status, n) -> details.put(status.name().toLowerCase(), n));
        audit.record("campaign_created", intake.campaignId(), details);
        log.info("{}/{}: campaign {} created, {} rows: {} queued, {} invalid, {} duplicate, {} opted out ({} ms, {} rows/s)",
                intake.template(), intake.fileName(), intake.campaignId(), intake.rowsJudged(), queued,
                counts.getOrDefault(MessageStatus.INVALID, 0), counts.getOrDefault(MessageStatus.DUPLICATE, 0),
                counts.getOrDefault(MessageStatus.OPTED_OUT, 0), intake.elapsedMillis(),
                intake.rowsJudged() * 1000L / Math.max(1, intake.elapsedMillis()));
        return FileNames.archiveName(intake.template(), intake.fileName(), intake.campaignId());
    }

    /** Identical files received since this instant are duplicates ({@code arauto.intake.duplicate-window}). */
    private Instant duplicateWindowStart() {
        return clock.instant().minus(properties.getIntake().getDuplicateWindow());
    }

    /** Where an accepted file of the local inbox goes: {@code archiveName} under the data folder's archive/. */
    public String localArchivePath(String archiveName) {
        return properties.archiveDir().toAbsolutePath().normalize().resolve(archiveName).toString();
    }

    /**
     * A file that cannot be taken: a campaign it had opened is rejected with all its rows, so
     * nothing of it is ever sent. Returns the note that goes beside the file in error/.
     */
    public String reject(Intake intake, String relativePath, String errorTarget, Throwable cause) throws IOException {
        String reason = reasonFor(cause);
        boolean accepted = intake != null && intake.acceptedBefore();
        if (intake != null && !accepted) {
            intake.writer().abort(); // no batch may land after the campaign's rows are deleted
            boolean rejected;
            try {
                intake.rows().close();
            } finally {
                rejected = campaigns.reject(intake.campaignId());
            }
            if (!rejected) { // not READING any more: accepted before the failure, or dropped by the ledger watchdog meanwhile
                CampaignStatus status = campaigns.find(intake.campaignId()).map(Campaign::status).orElse(CampaignStatus.REJECTED);
                if (status == CampaignStatus.REJECTED) {
                    reason = "Campaign " + intake.campaignId() + " was dropped while this file was being read: it made no progress for "
                            + properties.getLedger().getStaleAfter().toSeconds() + " s (arauto.ledger.stale-after), so the ledger "
                            + "watchdog took it for a read a crash had interrupted. Nothing of it will be sent; drop the file again.";
                } else {
                    accepted = true;
                }
            }
        }
        if (accepted) {
            reason = "Campaign " + intake.campaignId() + " was accepted from this file and is being sent; only what came after "
                    + "failed (" + reason + "). Do not drop the file again: its messages are already on their way.";
        }
        audit.record("file_rejected", intake == null ? null : intake.campaignId(), details("file", relativePath, "reason", reason));
        log.warn("{} rejected, moved to error/{}: {}", relativePath, Path.of(errorTarget).getFileName(), reason);
        return String.join(System.lineSeparator(),
                relativePath + " was not taken.",
                "",
                "Reason: " + reason,
                "",
                "Received: " + clock.instant(),
                "Moved to: error/" + Path.of(errorTarget).getFileName(),
                accepted ? "Its campaign's status report is in outbox/."
                        : "Fix the file and drop it again in <template>/; a rejected file never blocks its corrected copy.",
                "");
    }

    /** Writes the rejection note beside a file moved to the local error/ folder. */
    public void writeLocalNote(String errorTarget, String note) throws IOException {
        Path file = Path.of(errorTarget + ".error.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, note, StandardCharsets.UTF_8);
    }

    /**
     * The same bytes, from the same source and path, as an accepted campaign whose file never left the
     * inbox: a crash or an outage came between accepting the campaign and archiving its file.
     */
    private boolean unarchivedOriginal(Campaign earlier, String source, String relativePath) {
        if (!source.equals(earlier.source()) || !relativePath.equals(earlier.sourceFile())) {
            return false;
        }
        if (SOURCE_FOLDER.equals(source)) { // a local move leaves no doubt: the archived copy is there or it is not
            String archived = FileNames.archiveName(earlier.template(), earlier.name(), earlier.id());
            return !Files.exists(Path.of(localArchivePath(archived)));
        }
        return earlier.archivedAt() == null;
    }

    static String reasonFor(Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof RejectedFileException || t instanceof UnreadableFileException) {
                return t.getMessage();
            }
            if (t instanceof CrmUnavailableException) {
                return t.getMessage() + ", so it cannot tell who opted out: nothing of this file was judged or sent. "
                        + "Drop it again once the CRM can be read.";
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        // what failed, not what wrapped it on the way (Camel's expression exceptions, UncheckedIOException)
        Throwable root = NestedExceptionUtils.getMostSpecificCause(cause);
        // the class only: a database's message can quote the row it choked on, phone numbers included
        log.debug("File failed with an unexpected error", cause);
        return "Arauto could not process the file (" + root.getClass().getSimpleName() + "; the log at DEBUG level has the details). "
                + "Nothing of it will be sent; drop it again once the problem is fixed.";
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
