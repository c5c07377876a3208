package io.arauto.read;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.text.SimpleDateFormat;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.FormatStyle;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.apache.poi.ooxml.POIXMLException;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Workbook;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

import com.github.pjfanning.xlsx.SharedStringsImplementationType;
import com.github.pjfanning.xlsx.StreamingReader;
import com.github.pjfanning.xlsx.exceptions.ExcelRuntimeException;

/**
 * Streams the first sheet of an .xlsx workbook. The phone (column 0) is the cell's raw value;
 * the other cells are the text the spreadsheet displays. POI's zip-bomb limits stay as they are.
 */
@Component
public class XlsxRowReader {

    private final Locale locale;

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
        this.locale = locale;
    }

    public RowSource open(Path file) throws IOException {
        return open(file, String.valueOf(file.getFileName()));
    }

    RowSource open(Path file, String fileName) throws IOException {
        if (Files.size(file) == 0) {
            return PrefetchingRowSource.empty();
        }
        Workbook workbook = openWorkbook(file, fileName);
        try {
            XlsxRowSource source = new XlsxRowSource(workbook, workbook.getSheetAt(0).rowIterator(), fileName, formatter(locale));
            source.readHeader();
            return source;
        } catch (IOException | ExcelRuntimeException | POIXMLException | IllegalArgumentException e) {
            workbook.close();
            throw e instanceof UnreadableFileException u ? u : cannotOpen(file, fileName, e);
        }
    }

    /**
     * Up to this much shared-strings XML the table is kept in memory (about as many bytes of heap,
     * measured: 26 MB of XML, 1M distinct names, 36 MB); bigger tables go to a temp file, which
     * costs 7-12 s per million strings but keeps a 256 MB heap safe (4 text columns x 1M rows ran out).
     */
    static final long IN_MEMORY_SHARED_STRINGS = 32L * 1024 * 1024;

    private static Workbook openWorkbook(Path file, String fileName) throws UnreadableFileException {
        try {
            return StreamingReader.builder()
                    .rowCacheSize(1) // as fast as 100 (measured), and a broken row is found right after the last good one
                    .bufferSize(8192)
                    .setSharedStringsImplementationType(sharedStringsSize(file) <= IN_MEMORY_SHARED_STRINGS
                            ? SharedStringsImplementationType.POI_READ_ONLY : SharedStringsImplementationType.TEMP_FILE_BACKED)
                    .open(file.toFile());
        } catch (ExcelRuntimeException e) {
            throw cannotOpen(file, fileName, e);
        }
    }

    /** The uncompressed size of the shared-strings part, from the zip's directory; unknown counts as big. */
    static long sharedStringsSize(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("xl/sharedStrings.xml");
            return entry == null ? 0 : entry.getSize() < 0 ? Long.MAX_VALUE : entry.getSize();
        } catch (IOException e) {
            return Long.MAX_VALUE; // not a readable zip: opening the workbook will say why
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

    /**
     * The text as the spreadsheet displays it: {@code formatter.formatCellValue(cell)}. A text cell's
     * value is taken as it is when it holds no "_x" (the only text XSSFRichTextString.getString changes,
     * decoding _xHHHH_ escapes), which saves building a rich-text XML bean for every text cell.
     */
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

    static String displayed(Cell cell, DataFormatter formatter) {
        if (cell.getCellType() == CellType.STRING) {
            String text = cell.getStringCellValue();
            if (!text.contains("_x")) {
                return text;
            }
        }
        return formatter.formatCellValue(cell);
    }

    private static final class XlsxRowSource extends PrefetchingRowSource {

        private final Workbook workbook;
        private final Iterator<org.apache.poi.ss.usermodel.Row> rows;
        private final String fileName;
        private final DataFormatter formatter; // not thread-safe: one per file
        private int lastRowNumber;

        XlsxRowSource(Workbook workbook, Iterator<org.apache.poi.ss.usermodel.Row> rows, String fileName, DataFormatter formatter) {
            this.workbook = workbook;
            this.rows = rows;
            this.fileName = fileName;
            this.formatter = formatter;
        }

        @Override
        protected Row fetch() {
            while (true) {
                org.apache.poi.ss.usermodel.Row row;
                try {
                    if (!rows.hasNext()) {
                        return null;
                    }
                    row = rows.next();
                } catch (ExcelRuntimeException | POIXMLException | IllegalArgumentException e) {
                    throw ReadErrors.unreadable(fileName, lastRowNumber == 0 ? "before its first row" : "after row " + lastRowNumber, reason(e), e);
                }
                lastRowNumber = row.getRowNum() + 1;
                String[] cells;
                try {
                    cells = cells(row);
                } catch (ExcelRuntimeException | POIXMLException | IllegalArgumentException | IllegalStateException e) {
                    throw ReadErrors.unreadable(fileName, "at row " + lastRowNumber, reason(e), e);
                }
                if (!isBlank(cells)) {
                    return new Row(lastRowNumber, List.of(cells));
                }
            }
        }

        private String[] cells(org.apache.poi.ss.usermodel.Row row) {
            String[] cells = new String[Math.max(row.getLastCellNum(), 0)];
            Arrays.fill(cells, ""); // sparse rows: cells not in the file are empty
            for (Cell cell : row) {
                int column = cell.getColumnIndex();
                cells[column] = column == 0 ? rawValue(cell) : displayed(cell, formatter);
            }
            return cells;
        }

        /** A number as all its digits (never 5.51199E+12 nor 5511987654321.0); anything else as displayed. */
        private String rawValue(Cell cell) {
            CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
            if (type == CellType.NUMERIC) {
                return BigDecimal.valueOf(cell.getNumericCellValue()).stripTrailingZeros().toPlainString();
            }
            return displayed(cell, formatter);
        }

        private static String reason(Exception e) {
            return ReadErrors.isZipBomb(e) ? ReadErrors.ZIP_BOMB : ReadErrors.DAMAGED_WORKBOOK;
        }

        @Override
        public void close() throws IOException {
            workbook.close();
        }
    }
}
