package io.arauto.verdict;

import java.util.EnumMap;
import java.util.Map;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

import io.arauto.template.TemplateBinding;

/**
 * One file's rows as {@link RowJudge} judges them, in file order: what they are judged against
 * (the template bound to the file's columns, the opt-out lists), the first row of each number so
 * far, and how many rows got each verdict.
 */
public final class FileVerdicts {

    private final String fileName;
    private final long campaignId;
    private final TemplateBinding binding;
    private final OptOutCheck optOuts;
    private final Long2IntOpenHashMap firstRowOfNumber = new Long2IntOpenHashMap();
    private final Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos = startedNanos;
    private int rowsJudged;
    private final boolean dryRun;

    /** {@code fileName} and {@code campaignId} only name the file in progress lines. */
    public FileVerdicts(String fileName, long campaignId, TemplateBinding binding, OptOutCheck optOuts) {
        this(fileName, campaignId, binding, optOuts, false);
    }

    /** As above; for a dry run each QUEUED row's reason is the text it would send. */
    public FileVerdicts(String fileName, long campaignId, TemplateBinding binding, OptOutCheck optOuts, boolean dryRun) {
        this.dryRun = dryRun;
        this.fileName = fileName;
        this.campaignId = campaignId;
        this.binding = binding;
        this.optOuts = optOuts;
    }

    public String fileName() {
        return fileName;
    }

    public long campaignId() {
        return campaignId;
    }

    TemplateBinding binding() {
        return binding;
    }

    boolean dryRun() {
        return dryRun;
    }

    OptOutCheck optOuts() {
        return optOuts;
    }

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
}
