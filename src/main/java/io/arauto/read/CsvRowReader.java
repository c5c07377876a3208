package io.arauto.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.StringArrayHandler;

/**
 * Streams a CSV file: UTF-8 (with or without BOM) or, when the bytes are not valid UTF-8,
 * Windows-1252; delimiter {@code ,} {@code ;} or tab, whichever the header line uses most.
 * Each CSV record is one spreadsheet row, even when a quoted cell spans several lines.
 */
@Component
public class CsvRowReader {

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static final Logger log = LoggerFactory.getLogger(CsvRowReader.class);
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_HEADER_SCAN = 1024 * 1024;

    public RowSource open(Path file) throws IOException {
        return open(file, String.valueOf(file.getFileName()));
    }

    RowSource open(Path file, String fileName) throws IOException {
        if (startsWithUtf16Bom(file)) { // Excel's "Unicode Text": would read as garbage in Windows-1252
            throw new UnreadableFileException(fileName + " is saved as UTF-16 (Excel's \"Unicode Text\"); save it as "
                    + "\"CSV UTF-8 (Comma delimited)\" and drop it again.");
        }
        boolean bom = startsWithUtf8Bom(file);
        Charset charset = bom || isValidUtf8(file) ? StandardCharsets.UTF_8 : WINDOWS_1252;
        char delimiter;
        try (Reader reader = reader(file, bom, charset)) {
            delimiter = detectDelimiter(reader);
        }
        log.debug("Reading {} as {} with delimiter '{}'", fileName, charset, delimiter);

        Reader reader = reader(file, bom, charset);
        CsvReader<String[]> csv = CsvReader.builder()
                .fieldSeparator(delimiter)
                .quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE)
                .skipEmptyLines(false) // empty lines are rows a spreadsheet program counts
                .ignoreDifferentFieldCount(true)
                .detectBomHeader(false) // the BOM is already skipped
                .build(new StringArrayHandler(), reader);
        CsvRowSource source = new CsvRowSource(csv, fileName);
        try {
            source.readHeader();
            return source;
        } catch (IOException e) {
            source.close();
            throw e;
        }
    }

    private static Reader reader(Path file, boolean bom, Charset charset) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (bom) {
                in.skipNBytes(3);
            }
            return new InputStreamReader(in, charset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    static boolean startsWithUtf8Bom(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(3);
            return start.length == 3 && (start[0] & 0xFF) == 0xEF && (start[1] & 0xFF) == 0xBB && (start[2] & 0xFF) == 0xBF;
        }
    }

    static boolean startsWithUtf16Bom(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(2);
            return start.length == 2 && ((start[0] & 0xFF) == 0xFF && (start[1] & 0xFF) == 0xFE
                    || (start[0] & 0xFF) == 0xFE && (start[1] & 0xFF) == 0xFF);
        }
    }

    /** Decodes the whole file once, without keeping it, to learn whether every byte is valid UTF-8. */
    static boolean isValidUtf8(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
        CharBuffer out = CharBuffer.allocate(BUFFER_SIZE);
        try (FileChannel channel = FileChannel.open(file)) {
            boolean endOfInput = false;
            while (!endOfInput) {
                endOfInput = channel.read(in) < 0;
                in.flip();
                CoderResult result;
                do {
                    out.clear();
                    result = decoder.decode(in, out, endOfInput);
                } while (result.isOverflow());
                if (result.isError()) {
                    return false;
                }
                in.compact(); // keeps a multi-byte character split across two reads
            }
            out.clear();
            return !decoder.flush(out).isError();
        }
    }

    /**
     * Counts {@code ,} {@code ;} and tab outside quotes on the first non-blank line; the most
     * frequent wins. A file of blank lines only is split by the delimiter its lines use most.
     */
    static char detectDelimiter(Reader reader) throws IOException {
        int[] line = new int[3];
        int[] blankLines = new int[3];
        boolean quoted = false;
        boolean content = false;
        char[] buffer = new char[8192];
        int scanned = 0;
        for (int n; scanned < MAX_HEADER_SCAN && (n = reader.read(buffer)) > 0; scanned += n) {
            for (int i = 0; i < n; i++) {
                char c = buffer[i];
                if (c == '"') {
                    quoted = !quoted;
                } else if (quoted) {
                    content |= !Character.isWhitespace(c);
                } else if (c == ',') {
                    line[0]++;
                } else if (c == ';') {
                    line[1]++;
                } else if (c == '\t') {
                    line[2]++;
                } else if (c == '\n' || c == '\r') {
                    if (content) {
                        return mostFrequent(line);
                    }
                    for (int d = 0; d < 3; d++) { // a blank line is not the header
                        blankLines[d] += line[d];
                        line[d] = 0;
                    }
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
        return mostFrequent(line);
    }

    /** Counts of {@code ,} {@code ;} and tab; ties go to the earlier one. */
    private static char mostFrequent(int[] counts) {
        int commas = counts[0];
        int semicolons = counts[1];
        int tabs = counts[2];
        if (semicolons > commas && semicolons >= tabs) {
            return ';';
        }
        if (tabs > commas && tabs > semicolons) {
            return '\t';
        }
        return ',';
    }

    private static final class CsvRowSource extends PrefetchingRowSource {

        private final CsvReader<String[]> csv;
        private final CloseableIterator<String[]> records;
        private final String fileName;
        private int rowNumber;

        CsvRowSource(CsvReader<String[]> csv, String fileName) {
            this.csv = csv;
            this.records = csv.iterator();
            this.fileName = fileName;
        }

        @Override
        protected Row fetch() {
            try {
                while (records.hasNext()) {
                    String[] cells = records.next();
                    rowNumber++;
                    if (!isBlank(cells)) {
                        return new Row(rowNumber, List.of(cells));
                    }
                }
                return null;
            } catch (CsvParseException | UncheckedIOException e) {
                throw ReadErrors.unreadable(fileName, "at row " + (rowNumber + 1), ReadErrors.innermostMessage(e), e);
            }
        }

        @Override
        public void close() throws IOException {
            csv.close();
        }
    }
}
