package io.arauto.read;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.StringArrayHandler;

/**
 * Streams a CSV file. The text encoding is decided from the whole file ({@link CsvEncoding}); the
 * separator ({@code ,} {@code ;} or tab) is the one that gives the template's columns and the same
 * number of columns on the header and the first rows. Each CSV record is one spreadsheet row, even
 * when a quoted cell spans several lines; a quote never closed gets the file refused.
 */
@Component
public class CsvRowReader {

    static final Charset WINDOWS_1252 = CsvEncoding.WINDOWS_1252;

    private static final Logger log = LoggerFactory.getLogger(CsvRowReader.class);
    private static final int MAX_HEADER_SCAN = 256 * 1024;
    /** The header and this many rows decide the separator. */
    private static final int SAMPLE_ROWS = 20;
    private static final char[] SEPARATORS = {',', ';', '\t'};
    /** No real cell spans more lines or characters than this; a quote that does was never closed. */
    static final int MAX_QUOTED_LINES = 50;
    static final int MAX_QUOTED_CHARS = 60_000;

    public RowSource open(Path file) throws IOException {
        return open(file, String.valueOf(file.getFileName()), header -> true);
    }

    RowSource open(Path file, String fileName) throws IOException {
        return open(file, fileName, header -> true);
    }

    /**
     * @param fitsTemplate whether a header has the columns the file's template needs; it settles
     *                     which separator to read the file with when the first lines leave it open
     */
    RowSource open(Path file, String fileName, Predicate<List<String>> fitsTemplate) throws IOException {
        CsvEncoding.Decision encoding = CsvEncoding.decide(file, fileName);
        char delimiter;
        try (Reader reader = reader(file, encoding)) {
            delimiter = detectDelimiter(reader, fitsTemplate, fileName);
        }
        log.debug("Reading {} as {} with delimiter '{}' ({} byte sequences not valid in it)", fileName, encoding.charset(),
                delimiter, encoding.brokenSequences());

        QuoteWatch watch = new QuoteWatch(reader(file, encoding), delimiter);
        CsvReader<String[]> csv = CsvReader.builder()
                .fieldSeparator(delimiter)
                .quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE)
                .skipEmptyLines(false) // empty lines are rows a spreadsheet program counts
                .ignoreDifferentFieldCount(true)
                .detectBomHeader(false) // the BOM is already skipped
                .build(new StringArrayHandler(), watch);
        CsvRowSource source = new CsvRowSource(csv, watch, fileName);
        try {
            source.readHeader();
            return source;
        } catch (IOException e) {
            source.close();
            throw e;
        }
    }

    /** The file as text; bytes not valid in the charset read as U+FFFD, which the row's verdict then names. */
    private static Reader reader(Path file, CsvEncoding.Decision encoding) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(encoding.bomLength());
            return new InputStreamReader(in, encoding.charset());
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads the file's start with each separator and takes the best: the one whose header has the
     * template's columns, then the one that splits the header and the first {@value #SAMPLE_ROWS}
     * rows into the same number of columns, then the one the header uses most. A file that reads as
     * a single column when the template needs more is refused.
     */
    static char detectDelimiter(Reader reader, Predicate<List<String>> fitsTemplate, String fileName) throws IOException {
        char[] buffer = new char[MAX_HEADER_SCAN];
        int length = reader.read(buffer, 0, buffer.length);
        for (int n; length >= 0 && length < buffer.length && (n = reader.read(buffer, length, buffer.length - length)) > 0; ) {
            length += n;
        }
        String sample = length <= 0 ? "" : new String(buffer, 0, length);
        boolean cut = length == buffer.length; // the last record may be cut short
        char best = ',';
        int[] bestScore = null;
        List<String> bestHeader = List.of();
        int[] firstLine = firstLineCounts(sample);
        for (int d = 0; d < SEPARATORS.length; d++) {
            List<String[]> records = sampleRecords(sample, SEPARATORS[d], cut);
            List<String> header = records.isEmpty() ? List.of() : Arrays.stream(records.get(0)).map(String::strip).toList();
            int width = header.size();
            int same = 0;
            for (String[] record : records.subList(Math.min(1, records.size()), records.size())) {
                same += record.length == width ? 1 : 0;
            }
            boolean consistent = width > 1 && same == records.size() - 1;
            int[] score = {width > 1 && fitsTemplate.test(header) ? 1 : 0, consistent ? 1 : 0, width > 1 ? same : -1, firstLine[d]};
            if (bestScore == null || Arrays.compare(score, bestScore) > 0) {
                best = SEPARATORS[d];
                bestScore = score;
                bestHeader = header;
            }
        }
        if (bestHeader.size() == 1 && !fitsTemplate.test(bestHeader)) {
            throw new UnreadableFileException(fileName + " reads as a single column ('" + shortened(bestHeader.get(0)) + "'): Arauto "
                    + "separates columns with a comma, a semicolon or a tab, and tried all three on its first lines. Save it as CSV "
                    + "with commas or semicolons (a file separated by | or ^ cannot be read) and drop it again.");
        }
        return best;
    }

    /** The first non-blank records of the sample read with this separator, the header first. */
    private static List<String[]> sampleRecords(String sample, char separator, boolean cut) {
        List<String[]> records = new ArrayList<>();
        CsvReader<String[]> csv = CsvReader.builder().fieldSeparator(separator).quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE).skipEmptyLines(true).ignoreDifferentFieldCount(true)
                .detectBomHeader(false).build(new StringArrayHandler(), sample);
        try {
            for (String[] record : csv) {
                if (!PrefetchingRowSource.isBlank(record)) {
                    records.add(record);
                }
                if (records.size() > SAMPLE_ROWS + 1) {
                    records.remove(records.size() - 1); // it may be cut short by the sample's end
                    return records;
                }
            }
        } catch (CsvParseException | UncheckedIOException e) {
            // a record too odd to read with this separator: judged on the records before it
        }
        if (cut && records.size() > 1) {
            records.remove(records.size() - 1);
        }
        return records;
    }

    /**
     * Counts of {@code ,} {@code ;} and tab outside quotes on the first non-blank line; in a file of
     * blank lines only, on all of them.
     */
    private static int[] firstLineCounts(String sample) {
        int[] line = new int[3];
        int[] blankLines = new int[3];
        boolean quoted = false;
        boolean content = false;
        for (int i = 0; i < sample.length(); i++) {
            char c = sample.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted) {
                content |= !Character.isWhitespace(c);
            } else if (c == '\n' || c == '\r') {
                if (content) {
                    return line;
                }
                for (int d = 0; d < 3; d++) { // a blank line is not the header
                    blankLines[d] += line[d];
                    line[d] = 0;
                }
            } else {
                int d = c == ',' ? 0 : c == ';' ? 1 : c == '\t' ? 2 : -1;
                if (d >= 0) {
                    line[d]++;
                } else {
                    content |= !Character.isWhitespace(c);
                }
            }
        }
        if (!content) {
            for (int d = 0; d < 3; d++) {
                line[d] += blankLines[d];
            }
        }
        return line;
    }

    private static String shortened(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    /**
     * Follows the quotes as the reader meets them, since FastCSV reads a quote that is never closed
     * to the end of the file without a word: every row after it would vanish into one cell.
     */
    static final class QuoteWatch extends FilterReader {

        private static final int FIELD_START = 0;
        private static final int UNQUOTED = 1;
        private static final int QUOTED = 2;
        private static final int QUOTE_IN_QUOTED = 3;

        private final char delimiter;
        private int state = FIELD_START;
        private boolean afterCr;
        private int record = 1;
        private int openedOnRow;
        private int quotedLines;
        private int quotedChars;
        private boolean ended;

        QuoteWatch(Reader in, char delimiter) {
            super(in);
            this.delimiter = delimiter;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c < 0) {
                ended = true;
            } else {
                see((char) c);
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                ended = true;
            }
            for (int i = 0; i < n; i++) {
                see(buffer[offset + i]);
            }
            return n;
        }

        private void see(char c) throws UnreadableFileException {
            boolean cr = afterCr;
            afterCr = c == '\r';
            if (state == QUOTED) {
                if (c == '"') {
                    state = QUOTE_IN_QUOTED;
                } else if ((c == '\r' || c == '\n' && !cr) && ++quotedLines > MAX_QUOTED_LINES
                        || ++quotedChars > MAX_QUOTED_CHARS) {
                    throw new UnreadableFileException("the quoted cell that starts on row " + openedOnRow + " runs on for more than "
                            + MAX_QUOTED_LINES + " lines or " + MAX_QUOTED_CHARS + " characters, which no real cell does: a quote (\") "
                            + "on that row is probably never closed. Close or remove it and export again.");
                }
                return;
            }
            if (state == QUOTE_IN_QUOTED && c == '"') { // a doubled quote inside a quoted cell
                state = QUOTED;
                return;
            }
            if (c == delimiter) {
                state = FIELD_START;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' || !cr) {
                    record++;
                }
                state = FIELD_START;
            } else if (c == '"' && state == FIELD_START) {
                state = QUOTED;
                openedOnRow = record;
                quotedLines = 0;
                quotedChars = 0;
            } else {
                state = UNQUOTED;
            }
        }

        /** The row whose quote was still open when the file ended, or 0. */
        int openAtEnd() {
            return ended && state == QUOTED ? openedOnRow : 0;
        }
    }

    private static final class CsvRowSource extends PrefetchingRowSource {

        private final CsvReader<String[]> csv;
        private final CloseableIterator<String[]> records;
        private final QuoteWatch watch;
        private final String fileName;
        private int rowNumber;

        CsvRowSource(CsvReader<String[]> csv, QuoteWatch watch, String fileName) {
            this.csv = csv;
            this.records = csv.iterator();
            this.watch = watch;
            this.fileName = fileName;
        }

        @Override
        protected Row fetch() {
            while (true) {
                String[] cells = nextRecord();
                refuseAnOpenQuote();
                if (cells == null) {
                    return null;
                }
                rowNumber++;
                if (!isBlank(cells)) {
                    return new Row(rowNumber, List.of(cells));
                }
            }
        }

        /** The next record's cells, or null at the end of the file. */
        private String[] nextRecord() {
            try {
                return records.hasNext() ? records.next() : null;
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof UnreadableFileException quote) { // from the QuoteWatch
                    throw ReadErrors.unreadable(fileName, "at row " + watch.openedOnRow, quote.getMessage(), quote);
                }
                throw ReadErrors.unreadable(fileName, "at row " + (rowNumber + 1), ReadErrors.innermostMessage(e), e);
            } catch (CsvParseException e) {
                throw ReadErrors.unreadable(fileName, "at row " + (rowNumber + 1), ReadErrors.innermostMessage(e), e);
            }
        }

        /** Once the reader has met the end of the file, a quote still open swallowed every row after it. */
        private void refuseAnOpenQuote() {
            int row = watch.openAtEnd();
            if (row > 0) {
                throw ReadErrors.unreadable(fileName, "at row " + row, "the quote (\") that opens a cell on row " + row
                        + " is never closed, so every line after it would be read into that one cell. Close or remove the quote "
                        + "and export again", null);
            }
        }

        @Override
        public void close() throws IOException {
            csv.close();
        }
    }
}
