package io.arauto.intake;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

import io.arauto.ledger.StampedRows;
import io.arauto.read.Row;
import io.arauto.read.RowSource;
import io.arauto.verdict.FileVerdicts;

/**
 * One file whose campaign is open, on its way into the ledger (the {@code intake} exchange
 * property): its campaign, its rows still to read, what they came to so far, and their writer.
 */
public final class OpenIntake {

    private final String fileName;
    private final String template;
    private final String sha256;
    private final long campaignId;
    private final RowSource rows;
    private final FileVerdicts verdicts;
    private final boolean acceptedBefore;
    private final LedgerWriter<StampedRows> writer;
    private final Path path;
    private final SourceOriginals original;
    private final FileState atOpen;
    private final boolean dryRun;

    OpenIntake(String fileName, String template, String sha256, long campaignId, RowSource rows, FileVerdicts verdicts,
               LedgerWriter<StampedRows> writer, Path path, SourceOriginals original, FileState atOpen, boolean dryRun) {
        this.dryRun = dryRun;
        this.path = path;
        this.original = original;
        this.atOpen = atOpen;
        this.fileName = fileName;
        this.template = template;
        this.sha256 = sha256;
        this.campaignId = campaignId;
        this.rows = rows;
        this.verdicts = verdicts;
        this.acceptedBefore = false;
        this.writer = writer;
    }

    /** A file read again whose campaign was already accepted from the same place: it has no rows to judge. */
    private OpenIntake(String fileName, String template, String sha256, long campaignId) {
        this.fileName = fileName;
        this.template = template;
        this.sha256 = sha256;
        this.campaignId = campaignId;
        this.rows = NO_ROWS;
        this.verdicts = new FileVerdicts(fileName, campaignId, null, null);
        this.acceptedBefore = true;
        this.writer = new LedgerWriter<>("ledger-writer-unused", batch -> { }); // no rows: its thread never starts
        this.path = null;
        this.original = null;
        this.atOpen = null;
        this.dryRun = false;
    }

    static OpenIntake acceptedBefore(String fileName, String template, String sha256, long campaignId) {
        return new OpenIntake(fileName, template, sha256, campaignId);
    }

    public String fileName() { return fileName; }
    public String template() { return template; }
    public String sha256() { return sha256; }
    public long campaignId() { return campaignId; }
    public RowSource rows() { return rows; }
    /** What its rows came to so far, for {@link io.arauto.verdict.RowJudge}. */
    public FileVerdicts verdicts() { return verdicts; }
    /** True when this file's campaign was accepted before and only the file's archiving is left to do. */
    public boolean acceptedBefore() { return acceptedBefore; }
    /** True for a file of {@code <template>/dry-run/}: judged in full, its campaign DRY_RUN, nothing of it sent. */
    public boolean dryRun() { return dryRun; }
    /** Where it was dropped, under its source's intake folder: {@code <template>/<name>}, or {@code <template>/dry-run/<name>}. */
    public String relativePath() { return template + "/" + (dryRun ? CampaignIntake.DRY_RUN_FOLDER + "/" : "") + fileName; }
    LedgerWriter<StampedRows> writer() { return writer; }
    /** The file's size and time as it was opened, before a byte of it was read (for a copy: its original's, when copied). */
    FileState atOpen() { return atOpen; }
    /** Where the original of this copy is looked at again, or null when the file read is the original itself. */
    SourceOriginals original() { return original; }
    /** The file being read, on local disk. */
    Path path() { return path; }

    private static final RowSource NO_ROWS = new RowSource() {
        @Override
        public List<String> header() {
            return List.of();
        }

        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public Row next() {
            throw new NoSuchElementException();
        }

        @Override
        public void close() {
        }
    };
}
