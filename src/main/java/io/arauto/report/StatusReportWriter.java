package io.arauto.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.apache.poi.ss.SpreadsheetVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;

import io.arauto.ledger.StatusLine;

/**
 * Writes a campaign's status report (SPEC section 6) as a CSV and its XLSX twin, streaming, each
 * under a hidden temporary name and then moved into place atomically.
 */
@Component
public class StatusReportWriter {

    private static final Logger log = LoggerFactory.getLogger(StatusReportWriter.class);

    public static final List<String> COLUMNS =
            List.of("row", "phone", "phone_e164", "status", "reason", "error_code", "message_id", "updated_at");
    private static final int XLSX_LAST_ROW = SpreadsheetVersion.EXCEL2007.getLastRowIndex();
    private static final int XLSX_MAX_TEXT = SpreadsheetVersion.EXCEL2007.getMaxTextLength();

    /** Lines handed to the sheet's thread at a time, and how many such batches may wait for it. */
    private static final int BATCH = 500;
    private static final int BATCHES_WAITING = 8;

    private final CellSanitizer sanitizer;
    private final int xlsxLastRow;
    /** The CSV and the XLSX twin are each written on a thread of their own while the caller reads the ledger. */
    private final ExecutorService writers;

    /** What writing a report took: its lines, and the CPU time of the threads that wrote the CSV and the XLSX (besides the caller's). */
    public record Written(long lines, long writersCpuNanos) { }

    @Autowired
    public StatusReportWriter(CellSanitizer sanitizer) {
        this(sanitizer, XLSX_LAST_ROW);
    }

    /** For tests: a smaller sheet, to see what happens when a report outgrows it. */
    StatusReportWriter(CellSanitizer sanitizer, int xlsxLastRow) {
        this.sanitizer = sanitizer;
        this.xlsxLastRow = xlsxLastRow;
        CustomizableThreadFactory threads = new CustomizableThreadFactory("status-sheet-");
        threads.setDaemon(true);
        this.writers = Executors.newCachedThreadPool(threads);
    }

    @PreDestroy
    void stop() {
        writers.shutdown(); // a report being written is finished (Camel lets its exchange end first)
    }

    /**
     * Writes both files from one pass over {@code lines}. On any failure the previous reports
     * stay as they were and no temporary file is left behind.
     */
    public Written write(Path csvFile, Path xlsxFile, List<String> inputHeader, Iterator<StatusLine> lines)
            throws IOException {
        Path csvTmp = tempBeside(csvFile);
        Path xlsxTmp = tempBeside(xlsxFile);
        try {
            Written written = writeBoth(csvTmp, xlsxTmp, inputHeader, lines);
            Files.move(csvTmp, csvFile, ATOMIC_MOVE, REPLACE_EXISTING);
            Files.move(xlsxTmp, xlsxFile, ATOMIC_MOVE, REPLACE_EXISTING);
            if (written.lines() >= xlsxLastRow) {
                log.warn("Status report {} has {} lines; its XLSX twin stops at row {}", xlsxFile, written.lines(), xlsxLastRow);
            }
            return written;
        } catch (Throwable failure) {
            deleteAfter(failure, csvTmp);
            deleteAfter(failure, xlsxTmp);
            throw failure;
        }
    }

    /** Batches of lines a {@link Draft} holds for its writing before {@link Draft#add} waits. */
    static final int DRAFT_BATCHES_WAITING = 4;

    /**
     * Starts writing a report whose lines come in as they are known (a file being read), on threads of {@link #writers}:
     * the same writing as {@link #write}, the lines taken from {@link Draft#add} as they come. Nothing is in place before
     * {@link Draft#complete}; {@link Draft#discard} leaves nothing behind.
     */
    public Draft draft(Path csvFile, Path xlsxFile, List<String> inputHeader) {
        return new Draft(csvFile, xlsxFile, inputHeader);
    }

    /** A report being written while its lines come in: {@link #add} them in row order, then {@link #complete} or {@link #discard} it. */
    public final class Draft {

        private static final List<StatusLine> END = new ArrayList<>(0);
        private static final List<StatusLine> DISCARD = new ArrayList<>(0);

        private final BlockingQueue<List<StatusLine>> lines = new ArrayBlockingQueue<>(DRAFT_BATCHES_WAITING);
        private final CompletableFuture<Written> written;
        private volatile boolean ended; // set by the caller that hands the lines over, or by a stop

        private Draft(Path csvFile, Path xlsxFile, List<String> inputHeader) {
            written = CompletableFuture.supplyAsync(() -> {
                long started = cpuNanos();
                try {
                    Written both = write(csvFile, xlsxFile, inputHeader, new Arrivals());
                    return new Written(both.lines(), both.writersCpuNanos() + cpuNanos() - started);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, writers);
        }

        /**
         * Hands lines over (read-only from now on), in row order after the last ones; waits while
         * {@value #DRAFT_BATCHES_WAITING} batches wait. False when the writing stopped (it failed): the report is
         * then not written this way, and {@link #discard} is all that is left to call.
         */
        public boolean add(List<StatusLine> batch) {
            return !ended && hand(batch);
        }

        /** Every line was added: both files are finished and moved into place; completes with what it took, or the failure. */
        public CompletableFuture<Written> complete() {
            if (!ended) {
                ended = true;
                hand(END);
            }
            return written;
        }

        /**
         * The report is not wanted: the writing stops before anything is moved into place, on its own threads (the caller,
         * the intake, is not held up by it); the returned stage completes once its temporary files are gone.
         */
        public CompletableFuture<Void> discard() {
            if (!ended) {
                ended = true;
                lines.clear(); // the writing skips what it had not taken yet
                hand(DISCARD);
            }
            // told to stop, or failed before: either way its files are deleted by then
            return written.handle((done, failure) -> null);
        }

        private boolean hand(List<StatusLine> batch) {
            try {
                while (!lines.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    if (written.isDone()) {
                        return false;
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The lines as they are added, on the writing's thread: waits for the next batch; ends at END; fails at DISCARD. */
        private final class Arrivals implements Iterator<StatusLine> {
            private Iterator<StatusLine> batch = java.util.Collections.emptyIterator();
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && !last) {
                    List<StatusLine> next;
                    try {
                        next = lines.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CancellationException("Interrupted while waiting for a status report's lines");
                    }
                    if (next == DISCARD) {
                        throw new CancellationException("The status report is not wanted any more");
                    }
                    last = next == END;
                    batch = next.iterator();
                }
                return batch.hasNext();
            }

            @Override
            public StatusLine next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return batch.next();
            }
        }
    }

    private record ReportLine(int row, List<String> cells) { }

    /**
     * This thread reads the lines and makes their cells; the CSV and the XLSX are each written on a thread of
     * {@link #writers}, the lines handed to both in batches (read-only once handed over): on two cores the three
     * share the work instead of the CSV waiting for the reading.
     */
    private Written writeBoth(Path csvTmp, Path xlsxTmp, List<String> inputHeader, Iterator<StatusLine> lines)
            throws IOException {
        List<String> header = new ArrayList<>(COLUMNS);
        header.addAll(inputHeader);
        BlockingQueue<List<ReportLine>> toSheet = new ArrayBlockingQueue<>(BATCHES_WAITING);
        BlockingQueue<List<ReportLine>> toCsv = new ArrayBlockingQueue<>(BATCHES_WAITING);
        List<ReportLine> end = new ArrayList<>(0);
        UtcSeconds utcSeconds = new UtcSeconds();
        try (OutputStream xlsxOut = Files.newOutputStream(xlsxTmp, CREATE_NEW, WRITE)) {
            Future<Long> sheet = writers.submit(() -> writeSheet(xlsxOut, header, toSheet, end));
            Future<Long> csv = writers.submit(() -> writeCsvFile(csvTmp, header, toCsv, end));
            try {
                long written = 0;
                List<ReportLine> batch = new ArrayList<>(BATCH);
                while (lines.hasNext()) {
                    StatusLine line = lines.next();
                    batch.add(new ReportLine(line.row(), cells(line, inputHeader.size(), utcSeconds)));
                    if (batch.size() == BATCH) {
                        hand(toCsv, batch, csv);
                        hand(toSheet, batch, sheet);
                        batch = new ArrayList<>(BATCH);
                    }
                    written++;
                }
                hand(toCsv, batch, csv);
                hand(toSheet, batch, sheet);
                hand(toCsv, end, csv);
                hand(toSheet, end, sheet);
                return new Written(written, outcome(csv) + outcome(sheet));
            } catch (Throwable failure) {
                // both writers end and close their files before the caller deletes them
                stop(toCsv, end, csv, failure);
                stop(toSheet, end, sheet, failure);
                throw failure;
            }
        }
    }

    /** On a thread of {@link #writers}: the CSV, BOM and header first; returns the CPU time it took. */
    private long writeCsvFile(Path csvTmp, List<String> header, BlockingQueue<List<ReportLine>> lines, List<ReportLine> end)
            throws IOException, InterruptedException {
        long started = cpuNanos();
        Files.write(csvTmp, BOM, CREATE_NEW, WRITE); // so that Excel reads the file as UTF-8
        // FastCSV's own buffered writer on the file: given a Writer, it would hand it every record as it ends
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(csvTmp, UTF_8, APPEND)) {
            writeCsv(csv, header);
            for (List<ReportLine> batch = lines.take(); batch != end; batch = lines.take()) {
                for (ReportLine line : batch) {
                    writeCsv(csv, line.cells());
                }
            }
        }
        return cpuNanos() - started;
    }

    /** On the sheet's thread: returns the CPU time it took. */
    private long writeSheet(OutputStream out, List<String> header, BlockingQueue<List<ReportLine>> lines, List<ReportLine> end)
            throws IOException, InterruptedException {
        long started = cpuNanos();
        try (StatusSheet sheet = new StatusSheet(out)) {
            sheet.header(cut(header));
            int sheetRow = 1;
            for (List<ReportLine> batch = lines.take(); batch != end; batch = lines.take()) {
                for (ReportLine line : batch) {
                    if (sheetRow < xlsxLastRow) {
                        sheet.line(sheetRow++, line.row(), cut(line.cells()));
                    } else if (sheetRow == xlsxLastRow) {
                        sheet.note(sheetRow++, "The sheet is full; the CSV report has every line.");
                    }
                }
            }
            sheet.finish();
        }
        return cpuNanos() - started;
    }

    /**
     * After a failure: tells a writer there is nothing more and waits for it to close its file (what it says then does
     * not matter: the report failed). Interrupted meanwhile, it is cancelled and not waited for.
     */
    private static void stop(BlockingQueue<List<ReportLine>> queue, List<ReportLine> end, Future<Long> writer, Throwable failure) {
        try {
            hand(queue, end, writer);
            outcome(writer);
        } catch (Throwable ended) {
            if (ended instanceof InterruptedIOException) {
                writer.cancel(true);
            }
            if (ended != failure) {
                failure.addSuppressed(ended);
            }
        }
    }

    /** Waits while the sheet's thread is behind; gives up with its failure if it stopped. */
    private static void hand(BlockingQueue<List<ReportLine>> toSheet, List<ReportLine> batch, Future<Long> sheet) throws IOException {
        try {
            while (!toSheet.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (sheet.isDone()) {
                    outcome(sheet);
                    throw new IllegalStateException("A status file stopped before its last line");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing a status report");
        }
    }

    private static long outcome(Future<Long> sheet) throws IOException {
        try {
            return sheet.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing a status report");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** CPU time of the current thread, for pacing rewrites; 0 where the JVM cannot tell. */
    static long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    private List<String> cells(StatusLine line, int inputWidth, UtcSeconds utcSeconds) {
        List<String> cells = new ArrayList<>(COLUMNS.size() + inputWidth);
        cells.add(Integer.toString(line.row()));
        cells.add(line.phone());
        cells.add(line.phoneE164());
        cells.add(line.status());
        cells.add(line.reason());
        cells.add(line.errorCode());
        cells.add(line.messageId());
        cells.add(utcSeconds.format(line.updatedAt()));
        List<String> input = line.input() == null ? List.of() : line.input();
        // Every line has as many input cells as the header, so strict CSV readers accept the file.
        for (int i = 0; i < inputWidth; i++) {
            cells.add(i < input.size() ? input.get(i) : "");
        }
        return cells;
    }

    private void writeCsv(CsvWriter csv, List<String> cells) {
        CsvWriter.CsvWriterRecord record = csv.writeRecord();
        for (String cell : cells) {
            record.writeField(sanitizer.sanitize(cell));
        }
        record.endRecord();
    }

    /** The cells as the sheet holds them: text over a cell's limit is cut (in a copy: the CSV's thread reads the same list). */
    private static List<String> cut(List<String> cells) {
        List<String> cut = cells;
        for (int i = 0; i < cells.size(); i++) {
            String value = cells.get(i);
            if (value != null && value.length() > XLSX_MAX_TEXT) {
                if (cut == cells) {
                    cut = new ArrayList<>(cells);
                }
                cut.set(i, value.substring(0, XLSX_MAX_TEXT));
            }
        }
        return cut;
    }

    /** A time in UTC to the second; the lines of a batch share theirs, so the last one is kept. */
    private static final class UtcSeconds {
        private long second = Long.MIN_VALUE;
        private String text;

        String format(Instant at) {
            if (at == null) {
                return "";
            }
            if (at.getEpochSecond() != second) {
                second = at.getEpochSecond();
                text = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
            }
            return text;
        }
    }

    /** The UTF-8 byte order mark. */
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** What {@link #tempBeside} names a status file's temporary file. */
    private static final java.util.regex.Pattern TEMPORARY =
            java.util.regex.Pattern.compile("\\..+\\.status\\.(csv|xlsx)\\.\\p{XDigit}{8}(-\\p{XDigit}{4}){3}-\\p{XDigit}{12}\\.tmp");

    /**
     * Deletes the temporary files of status files left in {@code dir} by a writing that never ended (Arauto stopped
     * abruptly while a file was read, say); returns how many. Nothing else in the folder is touched.
     */
    public int deleteLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(file.getFileName().toString()).matches() && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** A name intake never picks up (leading dot, .tmp) and unique, so concurrent writers do not collide. */
    private static Path tempBeside(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    private static void deleteAfter(Throwable failure, Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
