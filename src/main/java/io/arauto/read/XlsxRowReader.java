package io.arauto.read;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.apache.poi.ooxml.POIXMLException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.apache.poi.xssf.usermodel.XSSFRichTextString;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

import com.github.pjfanning.poi.xssf.streaming.TempFileSharedStringsTable;

/**
 * Streams the first sheet of an .xlsx workbook: POI opens the package (its zip-bomb limits stay on)
 * and hands over the styles; the sheet's XML is read with StAX, one row at a time. The phone
 * (column 0) is the cell's raw value; the other cells are the text the spreadsheet displays, as
 * POI's {@link DataFormatter} shows it. No workbook object model is ever built.
 */
@Component
public class XlsxRowReader {

    /**
     * Up to this much shared-strings XML the table is kept in memory (less heap than that: 26 MB of
     * XML holding 1M distinct names takes ~20 MB, see {@link InMemoryStrings}); bigger tables go to a temp file, which
     * costs 7-12 s per million strings but keeps a 256 MB heap safe (4 text columns x 1M rows ran out).
     */
    static final long IN_MEMORY_SHARED_STRINGS = 32L * 1024 * 1024;

    /** The widest sheet Excel allows; a cell reference beyond it is damage, not data. */
    private static final int MAX_COLUMNS = 16_384;

    private static final XMLInputFactory XML = XMLHelper.newXMLInputFactory();

    private final Locale locale;
    private final long inMemorySharedStrings;

    /** Cells displayed as a Brazilian spreadsheet program shows them. */
    public XlsxRowReader() {
        this(Locale.forLanguageTag("pt-BR"));
    }

    /** Cells displayed as a spreadsheet program set to {@code arauto.locale} shows them. */
    @Autowired
    public XlsxRowReader(ArautoProperties properties) {
        this(properties.getLocale());
    }

    XlsxRowReader(Locale locale) {
        this(locale, IN_MEMORY_SHARED_STRINGS);
    }

    XlsxRowReader(Locale locale, long inMemorySharedStrings) {
        this.locale = locale;
        this.inMemorySharedStrings = inMemorySharedStrings;
    }

    Locale locale() {
        return locale;
    }

    public RowSource open(Path file) throws IOException {
        return open(file, String.valueOf(file.getFileName()));
    }

    RowSource open(Path file, String fileName) throws IOException {
        if (Files.size(file) == 0) {
            return PrefetchingRowSource.empty();
        }
        OPCPackage pkg;
        try {
            pkg = OPCPackage.open(file.toFile(), PackageAccess.READ);
        } catch (OpenXML4JException | RuntimeException e) {
            throw cannotOpen(file, fileName, e);
        }
        if (pkg.isStrictOoxmlFormat()) { // POI reads Transitional OOXML only, which is what "Excel Workbook" saves
            pkg.revert();
            throw new UnreadableFileException(fileName + " could not be opened as an Excel workbook: it is saved as "
                    + "Strict Open XML Spreadsheet; save it as Excel Workbook (.xlsx)");
        }
        SharedStringTable strings = null;
        InputStream sheetData = null;
        try {
            XSSFReader parts = new XSSFReader(pkg);
            boolean date1904 = usesDate1904(parts);
            StyleFormats formats = new StyleFormats(parts.getStylesTable());
            if (sharedStringsSize(pkg) <= inMemorySharedStrings) {
                strings = InMemoryStrings.read(parts, inMemorySharedStrings); // null if the zip's directory understated it
            }
            if (strings == null) {
                strings = TempFileStrings.read(parts);
            }
            Iterator<InputStream> sheets = parts.getSheetsData();
            if (!sheets.hasNext()) {
                throw new POIXMLException("the workbook has no sheet");
            }
            sheetData = sheets.next();
            String firstSheet = sheets instanceof XSSFReader.SheetIterator named ? named.getSheetName() : "1";
            SheetRows source = new SheetRows(pkg, strings, sheetData, XML.createXMLStreamReader(sheetData), fileName,
                    new CellText(formatter(locale), formats, date1904));
            source.readHeader();
            if (source.header().isEmpty()) {
                refuseIfDataIsOnAnotherSheet(sheets, fileName, firstSheet);
            }
            return source;
        } catch (IOException | OpenXML4JException | XMLStreamException | RuntimeException e) {
            // anything a damaged file makes POI throw (a missing part is a NullPointerException deep in XSSFReader)
            closeQuietly(sheetData);
            closeQuietly(strings);
            pkg.revert();
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw cause instanceof UnreadableFileException u ? u : cannotOpen(file, fileName, e);
        }
    }

    /**
     * Arauto reads the first sheet only; when it is empty and another sheet has data, "the file is
     * empty" would mislead, so the note says where the data is.
     */
    private static void refuseIfDataIsOnAnotherSheet(Iterator<InputStream> sheets, String fileName, String firstSheet)
            throws IOException, XMLStreamException {
        while (sheets.hasNext()) {
            try (InputStream sheet = sheets.next()) {
                String name = sheets instanceof XSSFReader.SheetIterator named ? named.getSheetName() : "";
                if (hasData(sheet)) {
                    throw new UnreadableFileException(fileName + ": the first sheet ('" + firstSheet + "') is empty, and Arauto "
                            + "reads the first sheet only; the data is on sheet '" + name + "'. Move that sheet to the front (or "
                            + "delete the empty one), save, and drop the file again.");
                }
            }
        }
    }

    /** Whether a sheet's XML has a cell with a value in it. */
    private static boolean hasData(InputStream sheet) throws XMLStreamException {
        XMLStreamReader xml = XML.createXMLStreamReader(sheet);
        try {
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamConstants.START_ELEMENT && (xml.getLocalName().equals("v") || xml.getLocalName().equals("t"))
                        && !xml.getElementText().isBlank()) {
                    return true;
                }
            }
            return false;
        } finally {
            xml.close();
        }
    }

    /** The uncompressed size of the shared-strings part, as the zip's directory gives it; unknown counts as big. */
    private static long sharedStringsSize(OPCPackage pkg) {
        long size = 0;
        for (PackagePart part : pkg.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType())) {
            size = part.getSize() < 0 ? Long.MAX_VALUE : Math.max(size, part.getSize());
        }
        return size;
    }

    /**
     * POI's formatter for the locale. Excel shows its built-in date format 14 ("m/d/yy") as the
     * computer's short date, so a date typed 25/12/2026 in a Brazilian Excel reads 25/12/2026, not 12/25/26.
     */
    static DataFormatter formatter(Locale locale) {
        DataFormatter formatter = new DataFormatter(locale);
        formatter.setUseCachedValuesForFormulaCells(true);
        String shortDate = DateTimeFormatterBuilder.getLocalizedDateTimePattern(FormatStyle.SHORT, null, IsoChronology.INSTANCE, locale)
                .replaceAll("y+", "yyyy");
        formatter.addFormat("m/d/yy", new SimpleDateFormat(shortDate, locale));
        return formatter;
    }

    /** A number as all its digits (never 5.51199E+12 nor 5511987654321.0). */
    static String rawNumber(String value) {
        String integer = plainInteger(value, 15); // a double holds 15 digits exactly: the text is the number
        if (integer != null) {
            return integer;
        }
        return BigDecimal.valueOf(Double.parseDouble(value)).stripTrailingZeros().toPlainString();
    }

    /**
     * The whole number a value is written as, digits only: "1001", or "1001.0" as POI and other
     * Java writers store it; at most {@code maxDigits}, an optional minus sign. Null for anything else.
     */
    static String plainInteger(String value, int maxDigits) {
        int end = value.endsWith(".0") ? value.length() - 2 : value.length();
        int start = value.startsWith("-") ? 1 : 0;
        int digits = end - start;
        if (digits == 0 || digits > maxDigits || value.charAt(start) == '0' && (digits > 1 || start == 1)) {
            return null;
        }
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return end == value.length() ? value : value.substring(0, end);
    }

    /** Workbooks from old Mac Excel count dates from 1904; {@code <workbookPr date1904="1"/>} says so. */
    private static boolean usesDate1904(XSSFReader parts) throws IOException, OpenXML4JException, XMLStreamException {
        try (InputStream in = parts.getWorkbookData()) {
            XMLStreamReader xml = XML.createXMLStreamReader(in);
            try {
                while (xml.hasNext()) {
                    if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                        String name = xml.getLocalName();
                        if (name.equals("workbookPr")) {
                            String value = xml.getAttributeValue(null, "date1904");
                            return "1".equals(value) || "true".equals(value);
                        }
                        if (name.equals("sheets")) { // workbookPr comes before the sheets or not at all
                            return false;
                        }
                    }
                }
                return false;
            } finally {
                xml.close();
            }
        }
    }

    /**
     * Text as {@code XSSFRichTextString.getString()} gives it: Excel escapes some characters as
     * {@code _xHHHH_}. Building POI's rich-text bean costs; only text holding "_x" needs it.
     */
    static String unescaped(String text) {
        return text.contains("_x") ? new XSSFRichTextString(text).getString() : text;
    }

    /** The text of the {@code <t>} elements inside the current element, phonetic runs ({@code <rPh>}) left out. */
    static String textOf(XMLStreamReader xml) throws XMLStreamException {
        StringBuilder text = null;
        String single = null;
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                if (name.equals("t")) {
                    String t = xml.getElementText();
                    if (single == null && text == null) {
                        single = t;
                    } else {
                        if (text == null) {
                            text = new StringBuilder(single);
                        }
                        text.append(t);
                    }
                } else if (name.equals("rPh")) {
                    skip(xml);
                } else {
                    depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        String result = text != null ? text.toString() : single != null ? single : "";
        return unescaped(result);
    }

    /** Skips the current element with everything inside it. */
    static void skip(XMLStreamReader xml) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private static UnreadableFileException cannotOpen(Path file, String fileName, Exception cause) {
        return new UnreadableFileException(
                fileName + " could not be opened as an Excel workbook: " + reason(file, cause), cause);
    }

    private static String reason(Path file, Exception cause) {
        if (ReadErrors.isZipBomb(cause)) {
            return ReadErrors.ZIP_BOMB;
        }
        try {
            if (FileMagic.valueOf(file.toFile()) == FileMagic.OLE2) { // encrypted .xlsx files and old .xls files are OLE2 containers
                return "it is password-protected or in the old .xls format; save it as Excel Workbook (.xlsx) without a password";
            }
        } catch (IOException e) {
            // the generic reason below still holds
        }
        return "the file is damaged or is not an .xlsx file";
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                // already failing with the reason that matters
            }
        }
    }

    /** The workbook's shared strings, by index. */
    interface SharedStringTable extends IntFunction<String>, Closeable {
    }

    /**
     * The whole table on the heap, for ordinary workbooks (see {@link #IN_MEMORY_SHARED_STRINGS}): all
     * texts end to end in one string, and where each ends. A million names take ~20 MB this way instead
     * of ~60 MB as a million String objects, which a 256 MB heap feels; each lookup copies its text out.
     */
    static final class InMemoryStrings implements SharedStringTable {

        private final String all;
        private final int[] ends;

        private InMemoryStrings(String all, int[] ends) {
            this.all = all;
            this.ends = ends;
        }

        /** The table, or null once it holds more than {@code limit} characters or {@code limit / 8} strings. */
        static InMemoryStrings read(XSSFReader parts, long limit) throws IOException, XMLStreamException {
            InputStream data = sharedStringsData(parts);
            if (data == null) {
                return new InMemoryStrings("", new int[0]);
            }
            try (InputStream in = data) {
                XMLStreamReader xml = XML.createXMLStreamReader(in);
                try {
                    StringBuilder all = new StringBuilder(1 << 16);
                    int[] ends = new int[1024];
                    int count = 0;
                    while (xml.hasNext()) {
                        if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("si")) {
                            if (count == ends.length) {
                                ends = Arrays.copyOf(ends, count * 2);
                            }
                            all.append(textOf(xml));
                            ends[count++] = all.length();
                            if (all.length() > limit || count > limit / 8) {
                                return null;
                            }
                        }
                    }
                    return new InMemoryStrings(all.toString(), Arrays.copyOf(ends, count));
                } finally {
                    xml.close();
                }
            }
        }

        @Override
        public String apply(int index) {
            return all.substring(index == 0 ? 0 : ends[index - 1], ends[index]);
        }

        @Override
        public void close() {
            // nothing held outside the heap
        }
    }

    /** The shared-strings part, or null when the workbook has none (no text cells, or only inline ones). */
    private static InputStream sharedStringsData(XSSFReader parts) throws IOException {
        try {
            return parts.getSharedStringsData();
        } catch (OpenXML4JException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A table too big for the heap, in an on-disk map (poi-shared-strings). */
    private static final class TempFileStrings implements SharedStringTable {

        private final TempFileSharedStringsTable table;

        private TempFileStrings(TempFileSharedStringsTable table) {
            this.table = table;
        }

        static TempFileStrings read(XSSFReader parts) throws IOException {
            TempFileSharedStringsTable table = new TempFileSharedStringsTable(false, false);
            try (InputStream in = sharedStringsData(parts)) {
                if (in != null) {
                    table.readFrom(in);
                }
                return new TempFileStrings(table);
            } catch (IOException | RuntimeException e) {
                table.close(); // its temp file goes with it
                throw e;
            }
        }

        @Override
        public String apply(int index) {
            return table.getItemAt(index).getString();
        }

        @Override
        public void close() throws IOException {
            table.close();
        }
    }

    /** Each cell style's number format, looked up once per style rather than once per cell. */
    private static final class StyleFormats {

        private static final NumberFormat GENERAL = new NumberFormat((short) 0, "General", false);

        private final StylesTable styles;
        private final NumberFormat[] formats;

        StyleFormats(StylesTable styles) {
            this.styles = styles;
            this.formats = new NumberFormat[styles == null ? 0 : styles.getNumCellStyles()];
        }

        /** The style's format; General when the cell has no style or an unknown one. */
        NumberFormat of(int style) {
            if (style < 0 || style >= formats.length) {
                return GENERAL;
            }
            if (formats[style] == null) {
                XSSFCellStyle cellStyle = styles.getStyleAt(style);
                String format = cellStyle == null ? null : cellStyle.getDataFormatString();
                short index = cellStyle == null || format == null ? 0 : cellStyle.getDataFormat();
                formats[style] = format == null ? GENERAL : new NumberFormat(index, format, DateUtil.isADateFormat(index, format));
            }
            return formats[style];
        }
    }

    /**
     * A number format, and for date formats the texts already shown: a sheet's dates repeat (a
     * million orders fall on a few hundred days), and formatting a date is the costliest thing
     * {@link DataFormatter} does per cell.
     */
    private static final class NumberFormat {

        private static final int MAX_REMEMBERED = 4_096;

        final short index;
        final String format;
        final boolean general;
        final boolean date;
        private final Map<String, String> shown;

        NumberFormat(short index, String format, boolean date) {
            this.index = index;
            this.format = format;
            this.general = format.equalsIgnoreCase("General");
            this.date = date;
            this.shown = date ? new HashMap<>() : null;
        }

        /** The text this value was shown as before, or null. */
        String shownBefore(String value) {
            return shown.get(value);
        }

        void remember(String value, String text) {
            if (shown.size() == MAX_REMEMBERED) {
                shown.clear();
            }
            shown.put(value, text);
        }
    }

    /** Turns a cell's XML into its text: raw for the phone column, as displayed for the others. */
    private static final class CellText {

        private static final Pattern SCIENTIFIC_EXPONENT = Pattern.compile("E(\\d)");

        private final DataFormatter formatter; // not thread-safe: one per file
        private final StyleFormats formats;
        private final boolean date1904;

        CellText(DataFormatter formatter, StyleFormats formats, boolean date1904) {
            this.formatter = formatter;
            this.formats = formats;
            this.date1904 = date1904;
        }

        /** The number as the cell's format shows it. */
        String displayed(String value, int style) {
            NumberFormat format = formats.of(style);
            if (format.general) {
                // Excel's General shows whole numbers of up to 11 digits as they are
                String integer = plainInteger(value, 11);
                if (integer != null) {
                    return integer;
                }
            }
            if (!format.date) {
                return formatted(value, format);
            }
            String text = format.shownBefore(value);
            if (text == null) {
                text = formatted(value, format);
                format.remember(value, text);
            }
            return text;
        }

        private String formatted(String value, NumberFormat format) {
            double number = Double.parseDouble(value);
            String shown = formatter.formatRawCellContents(number, format.index, format.format, date1904);
            if (shown.indexOf('E') >= 0 && !(format.date && DateUtil.isValidExcelDate(number))) {
                // as DataFormatter.formatCellValue shows a number in scientific notation, whatever its format: 5,51199E+12
                shown = SCIENTIFIC_EXPONENT.matcher(shown).replaceFirst("E+$1");
            }
            return shown;
        }
    }

    private static final class SheetRows extends PrefetchingRowSource {

        private final OPCPackage pkg;
        private final SharedStringTable strings;
        private final InputStream sheetData;
        private final XMLStreamReader xml;
        private final String fileName;
        private final CellText cellText;
        private String[] cells = new String[16]; // reused: a row's cells by column, null where the file has none
        private int lastRowNumber;
        private boolean ended;
        private Map<Integer, String> unread; // the row's cells that hold no value to read, by column; null when none
        private String cellUnread; // set by cell() for the cell just read

        SheetRows(OPCPackage pkg, SharedStringTable strings, InputStream sheetData, XMLStreamReader xml, String fileName,
                CellText cellText) {
            this.pkg = pkg;
            this.strings = strings;
            this.sheetData = sheetData;
            this.xml = xml;
            this.fileName = fileName;
            this.cellText = cellText;
        }

        @Override
        protected Row fetch() {
            while (!ended) {
                int previous = lastRowNumber;
                try {
                    if (!nextRow()) {
                        ended = true;
                        return null;
                    }
                } catch (XMLStreamException | RuntimeException e) {
                    throw ReadErrors.unreadable(fileName, after(previous), reason(e), e);
                }
                int rowNumber = lastRowNumber;
                if (rowNumber <= previous) { // rows sharing a number: which one is row 5 cannot be told
                    throw ReadErrors.unreadable(fileName, "at row " + rowNumber, "the sheet has row " + rowNumber + " twice (or "
                            + "its rows out of order), which Excel never writes, so its rows cannot be told apart. The program that "
                            + "wrote the file made a mistake: open it in Excel or LibreOffice, save it, and drop it again", null);
                }
                String[] values;
                try {
                    values = rowCells();
                } catch (XMLStreamException | RuntimeException e) {
                    Arrays.fill(cells, null); // nothing of the broken row may show up in the next one
                    unread = null;
                    // XML that breaks off ends the readable part after the previous row; a bad value is this row's
                    String where = e instanceof XMLStreamException ? after(previous) : "at row " + rowNumber;
                    throw ReadErrors.unreadable(fileName, where, reason(e), e);
                }
                if (unread != null) { // a row of formulas never calculated is not blank: it must get its verdict
                    Row row = new Row(rowNumber, List.of(values), Map.copyOf(unread));
                    unread = null;
                    return row;
                }
                if (!isBlank(values)) {
                    return new Row(rowNumber, List.of(values));
                }
            }
            return null;
        }

        private static String after(int rowNumber) {
            return rowNumber == 0 ? "before its first row" : "after row " + rowNumber;
        }

        /** Moves to the next {@code <row>} and takes its number; false at the end of the sheet's data. */
        private boolean nextRow() throws XMLStreamException {
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
                    String r = xml.getAttributeValue(null, "r");
                    lastRowNumber = r == null ? lastRowNumber + 1 : Integer.parseInt(r);
                    return true;
                }
                if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("sheetData")) {
                    return false;
                }
            }
            return false;
        }

        /** The cells of the {@code <row>} just entered, as text; columns the file leaves out are "". */
        private String[] rowCells() throws XMLStreamException {
            int width = 0;
            int nextColumn = 0;
            while (true) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (!xml.getLocalName().equals("c")) {
                        skip(xml);
                        continue;
                    }
                    String ref = null;
                    String type = null;
                    int style = 0;
                    for (int i = 0, n = xml.getAttributeCount(); i < n; i++) {
                        String name = xml.getAttributeLocalName(i);
                        if (name.equals("r")) {
                            ref = xml.getAttributeValue(i);
                        } else if (name.equals("t")) {
                            type = xml.getAttributeValue(i);
                        } else if (name.equals("s")) {
                            style = Integer.parseInt(xml.getAttributeValue(i));
                        }
                    }
                    int column = ref == null ? nextColumn : column(ref);
                    if (column >= cells.length) {
                        cells = Arrays.copyOf(cells, Math.max(cells.length * 2, column + 1));
                    }
                    cells[column] = cell(type, style, column == 0);
                    if (cellUnread != null) {
                        if (unread == null) {
                            unread = new HashMap<>();
                        }
                        unread.put(column, cellUnread);
                        cellUnread = null;
                    }
                    width = Math.max(width, column + 1);
                    nextColumn = column + 1;
                } else if (event == XMLStreamConstants.END_ELEMENT) { // </row>
                    String[] values = new String[width];
                    for (int i = 0; i < width; i++) {
                        values[i] = cells[i] == null ? "" : cells[i];
                        cells[i] = null;
                    }
                    return values;
                }
            }
        }

        /** The {@code <c>} just entered, read to its end. */
        private String cell(String type, int style, boolean phoneColumn) throws XMLStreamException {
            String value = null;
            String inline = null;
            boolean formula = false;
            while (true) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = xml.getLocalName();
                    if (name.equals("v")) {
                        value = xml.getElementText();
                    } else if (name.equals("is")) {
                        inline = textOf(xml);
                    } else {
                        formula |= name.equals("f");
                        skip(xml); // <f>: the formula; its cached result is in <v>
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) { // </c>
                    break;
                }
            }
            // written by a script and never calculated: no <v> (or an empty one, as openpyxl writes; an empty text result is t="str")
            if (formula && inline == null && (value == null || value.isEmpty() && !"str".equals(type))) {
                cellUnread = "holds a formula with no saved result; open the file in Excel (or LibreOffice) and save it again, "
                        + "so that its results are saved too.";
                return "";
            }
            if (type == null || type.equals("n")) {
                if (value != null && value.isBlank()) {
                    cellUnread = "is a number cell with no number saved in it; type the value, or open the file in Excel and save "
                            + "it again.";
                    return "";
                }
                if (value == null) {
                    return "";
                }
                return phoneColumn ? rawNumber(value) : cellText.displayed(value, style);
            }
            return switch (type) {
                case "s" -> value == null || value.isEmpty() ? "" : strings.apply(Integer.parseInt(value.strip()));
                case "inlineStr" -> inline != null ? inline : value == null ? "" : unescaped(value);
                case "b" -> value == null || value.isEmpty() ? "" : "1".equals(value.strip()) || "true".equals(value.strip()) ? "TRUE" : "FALSE";
                case "str" -> value == null ? "" : unescaped(value);
                case "d" -> value == null || value.isEmpty() ? "" : isoDate(value, style, phoneColumn);
                default -> value == null ? "" : value; // "e": an error such as #DIV/0!
            };
        }

        /**
         * A date written as ISO 8601 text (t="d", which Excel writes in Strict files and some tools
         * in ordinary ones), shown through the cell's format like a date stored as a serial number.
         */
        private String isoDate(String value, int style, boolean phoneColumn) {
            LocalDateTime dateTime;
            try {
                // the date and time as written; a zone after it (SheetJS writes "2014-02-14T08:27:48.765Z") moves no day
                dateTime = value.length() <= 10 ? LocalDate.parse(value).atStartOfDay()
                        : LocalDateTime.from(DateTimeFormatter.ISO_DATE_TIME.parse(value.strip()));
            } catch (DateTimeException e) {
                return value; // not a date after all: the text as written
            }
            double serial = DateUtil.getExcelDate(dateTime, cellText.date1904);
            String number = BigDecimal.valueOf(serial).stripTrailingZeros().toPlainString();
            return phoneColumn ? number : cellText.displayed(number, style);
        }

        /** The zero-based column of a reference such as "AB12". */
        private static int column(String ref) {
            int column = 0;
            for (int i = 0; i < ref.length(); i++) {
                char c = ref.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    column = column * 26 + (c - 'A' + 1);
                } else if (c >= 'a' && c <= 'z') {
                    column = column * 26 + (c - 'a' + 1);
                } else {
                    break;
                }
                if (column > MAX_COLUMNS) {
                    throw new IllegalArgumentException("cell reference " + ref + " is beyond the last column");
                }
            }
            if (column == 0) {
                throw new IllegalArgumentException("cell reference " + ref + " names no column");
            }
            return column - 1;
        }

        private static String reason(Exception e) {
            return ReadErrors.isZipBomb(e) ? ReadErrors.ZIP_BOMB : ReadErrors.DAMAGED_WORKBOOK;
        }

        @Override
        public void close() throws IOException {
            try {
                xml.close();
            } catch (XMLStreamException e) {
                // the stream below is closed regardless
            } finally {
                try {
                    sheetData.close();
                    strings.close();
                } finally {
                    pkg.revert();
                }
            }
        }
    }
}
