package io.arauto.intake;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

import io.arauto.optout.OptOutList;
import io.arauto.read.Row;
import io.arauto.read.RowSource;
import io.arauto.template.TemplateBinding;
import io.arauto.verdict.MessageStatus;

/** One file on its way into the ledger: where it came from, its campaign, and what its rows came to so far. */
public final class Intake {

    private final Path file;
    private final String fileName;
    private final String template;
    private final String sha256;
    private final long campaignId;
    private final TemplateBinding binding;
    private final RowSource rows;
    private final OptOutList.Snapshot optOuts;
    private final boolean acceptedBefore;
    private final LedgerWriter writer;
    private final Long2IntOpenHashMap firstRowOfNumber = new Long2IntOpenHashMap();
    private final Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos = startedNanos;
    private int rowsJudged;

    Intake(Path file, String fileName, String template, String sha256, long campaignId,
           TemplateBinding binding, RowSource rows, OptOutList.Snapshot optOuts, LedgerWriter writer) {
        this.file = file;
        this.fileName = fileName;
        this.template = template;
        this.sha256 = sha256;
        this.campaignId = campaignId;
        this.binding = binding;
        this.rows = rows;
        this.optOuts = optOuts;
        this.acceptedBefore = false;
        this.writer = writer;
    }

    /** A file read again whose campaign was already accepted from the same place: it has no rows to judge. */
    private Intake(Path file, String fileName, String template, String sha256, long campaignId) {
        this.file = file;
        this.fileName = fileName;
        this.template = template;
        this.sha256 = sha256;
        this.campaignId = campaignId;
        this.binding = null;
        this.rows = NO_ROWS;
        this.optOuts = null;
        this.acceptedBefore = true;
        this.writer = new LedgerWriter("ledger-writer-unused", batch -> { }); // no rows: its thread never starts
    }

    static Intake acceptedBefore(Path file, String fileName, String template, String sha256, long campaignId) {
        return new Intake(file, fileName, template, sha256, campaignId);
    }

    public Path file() { return file; }
    public String fileName() { return fileName; }
    public String template() { return template; }
    public String sha256() { return sha256; }
    public long campaignId() { return campaignId; }
    public TemplateBinding binding() { return binding; }
    public RowSource rows() { return rows; }
    public OptOutList.Snapshot optOuts() { return optOuts; }
    /** True when this file's campaign was accepted before and only the file's archiving is left to do. */
    public boolean acceptedBefore() { return acceptedBefore; }
    LedgerWriter writer() { return writer; }

    /** The row that first had this number, or 0 when this is the first time; remembers {@code row} as the first. */
    int firstRowOf(long number, int row) {
        return firstRowOfNumber.putIfAbsent(number, row);
    }

    void count(MessageStatus status) {
        counts.merge(status, 1, Integer::sum);
        rowsJudged++;
    }

    public Map<MessageStatus, Integer> counts() {
        return counts;
    }

    public int rowsJudged() {
        return rowsJudged;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** True at most every {@code everyNanos}, for progress lines on long files. */
    boolean progressDue(long everyNanos) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < everyNanos) {
            return false;
        }
        lastProgressNanos = now;
        return true;
    }

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
