package io.arauto.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * The status report's XLSX twin, streamed. POI lays out the workbook once (the sheet {@code status}
 * with its header frozen, a bold text style for the header and a text style for the cells); each
 * report copies that layout into its zip and writes the rows straight into the sheet's XML, as
 * SXSSF does but without a cell object per value or a temporary file in between. The cells are
 * what SXSSF wrote: the row number a number, every other value an inline string cell in text
 * format ("@"), escaped by SXSSF's rules, empty values no cell at all.
 */
final class StatusSheet implements Closeable {

    static final String SHEET_NAME = "status";
    private static final String SHEET_PART = "xl/worksheets/sheet1.xml";
    private static final String EMPTY_SHEET_DATA = "<sheetData/>";
    /** Deflate's fastest level: the sheet's XML compresses ~8:1 even so, at several times the speed of the default. */
    private static final int COMPRESSION = Deflater.BEST_SPEED;
    /** Every part's time in the zip, fixed: the same lines make the same bytes, whenever and however they were written. */
    private static final LocalDateTime PART_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private static final Layout LAYOUT = Layout.make();

    private final ZipOutputStream zip;
    /** The sheet's XML, encoded as it is written: rows go from {@link #row} through {@link #chars}, no String or byte[] each. */
    private Writer xml;
    private final StringBuilder row = new StringBuilder(512);
    private char[] chars = new char[512];
    private String[] columns = new String[0];

    StatusSheet(OutputStream target) throws IOException {
        // deflate hands its output on in pieces of 512 bytes: buffered, so that the file is written in big ones
        zip = new ZipOutputStream(new BufferedOutputStream(target, 1 << 16), UTF_8);
        zip.setLevel(COMPRESSION);
        try (ZipInputStream parts = new ZipInputStream(new ByteArrayInputStream(LAYOUT.workbook))) {
            for (ZipEntry part; (part = parts.getNextEntry()) != null; ) {
                if (part.getName().equals(SHEET_PART)) {
                    continue; // written last, with the rows in it
                }
                zip.putNextEntry(entry(part.getName()));
                parts.transferTo(zip);
                zip.closeEntry();
            }
        }
        zip.putNextEntry(entry(SHEET_PART));
        // buffered before the encoder, which otherwise wraps each row's characters in a buffer object of its own
        xml = new BufferedWriter(new OutputStreamWriter(zip, UTF_8), 1 << 14);
        xml.write(LAYOUT.sheetStart);
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(PART_TIME);
        return entry;
    }

    /** The header row, bold text. */
    void header(List<String> cells) throws IOException {
        row.setLength(0);
        row.append("<row r=\"1\">");
        for (int i = 0; i < cells.size(); i++) {
            text(i, "1", cells.get(i), LAYOUT.headerStyle);
        }
        endRow();
    }

    /** A line of the report: {@code rowNumber} as a number in the first column, then {@code cells} from the second on as text. */
    void line(int sheetRow, int rowNumber, List<String> cells) throws IOException {
        row.setLength(0);
        String r = Integer.toString(sheetRow + 1);
        row.append("<row r=\"").append(r).append("\"><c r=\"").append(column(0)).append(r).append("\" t=\"n\"><v>")
                .append(rowNumber).append("</v></c>");
        for (int i = 1; i < cells.size(); i++) {
            text(i, r, cells.get(i), LAYOUT.textStyle);
        }
        endRow();
    }

    /** A row holding one plain text in its first cell. */
    void note(int sheetRow, String text) throws IOException {
        row.setLength(0);
        String r = Integer.toString(sheetRow + 1);
        row.append("<row r=\"").append(r).append("\">");
        text(0, r, text, 0);
        endRow();
    }

    /** Ends the sheet and the zip; the target stays open. */
    void finish() throws IOException {
        xml.write(LAYOUT.sheetEnd);
        xml.flush();
        zip.closeEntry();
        zip.finish();
        zip.flush();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private void text(int column, String r, String value, int style) {
        if (value == null || value.isEmpty()) {
            return; // a missing cell reads as blank, as people expect
        }
        row.append("<c r=\"").append(column(column)).append(r).append('"');
        if (style != 0) {
            row.append(" s=\"").append(style).append('"');
        }
        row.append(" t=\"inlineStr\"><is><t");
        if (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            row.append(" xml:space=\"preserve\"");
        }
        row.append('>');
        escape(value);
        row.append("</t></is></c>");
    }

    /** SXSSF's escaping: markup characters and line breaks as references, other control characters and non-characters as '?'. */
    private void escape(String value) {
        int n = value.length();
        int plain = 0; // most values need nothing escaped: appended whole, not a char at a time
        while (plain < n && !needsEscape(value.charAt(plain))) {
            plain++;
        }
        row.append(value, 0, plain);
        for (int i = plain; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> row.append("&lt;");
                case '>' -> row.append("&gt;");
                case '&' -> row.append("&amp;");
                case '"' -> row.append("&quot;");
                case '\n' -> row.append("&#xa;");
                case '\r' -> row.append("&#xd;");
                case '\t' -> row.append("&#x9;");
                case '\u00A0' -> row.append("&#xa0;");
                default -> row.append(c < ' ' || c >= '\uFFFE' ? '?' : c);
            }
        }
    }

    /** A character {@link #escape} does not write as it is. */
    private static boolean needsEscape(char c) {
        return c < ' ' || c == '<' || c == '>' || c == '&' || c == '"' || c == '\u00A0' || c >= '\uFFFE';
    }

    private void endRow() throws IOException {
        row.append("</row>");
        int length = row.length();
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        row.getChars(0, length, chars, 0);
        xml.write(chars, 0, length);
    }

    private String column(int index) {
        if (index >= columns.length) {
            String[] more = Arrays.copyOf(columns, Math.max(index + 1, columns.length * 2));
            for (int i = columns.length; i < more.length; i++) {
                more[i] = CellReference.convertNumToColString(i);
            }
            columns = more;
        }
        return columns[index];
    }

    /** The workbook as POI writes it with an empty sheet, split around the sheet's rows. */
    private record Layout(byte[] workbook, String sheetStart, String sheetEnd, int headerStyle, int textStyle) {

        static Layout make() {
            try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
                XSSFSheet sheet = book.createSheet(SHEET_NAME);
                sheet.createFreezePane(0, 1);
                CellStyle header = textStyle(book);
                Font bold = book.createFont();
                bold.setBold(true);
                header.setFont(bold);
                CellStyle text = textStyle(book);
                book.write(bytes);
                byte[] workbook = bytes.toByteArray();
                String sheetXml = sheetXml(workbook);
                int at = sheetXml.indexOf(EMPTY_SHEET_DATA);
                if (at < 0) {
                    throw new IllegalStateException("POI wrote the empty sheet without " + EMPTY_SHEET_DATA + ": " + sheetXml);
                }
                return new Layout(workbook, sheetXml.substring(0, at) + "<sheetData>",
                        "</sheetData>" + sheetXml.substring(at + EMPTY_SHEET_DATA.length()), header.getIndex(), text.getIndex());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Text format ("@") so that editing a cell in Excel keeps it text instead of parsing a formula. */
        private static CellStyle textStyle(XSSFWorkbook book) {
            CellStyle style = book.createCellStyle();
            style.setDataFormat(book.createDataFormat().getFormat("@"));
            return style;
        }

        private static String sheetXml(byte[] workbook) throws IOException {
            try (ZipInputStream parts = new ZipInputStream(new ByteArrayInputStream(workbook))) {
                for (ZipEntry part; (part = parts.getNextEntry()) != null; ) {
                    if (part.getName().equals(SHEET_PART)) {
                        return new String(parts.readAllBytes(), UTF_8);
                    }
                }
            }
            throw new IllegalStateException("POI wrote no " + SHEET_PART);
        }
    }
}
