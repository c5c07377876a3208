package io.arauto.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
    static final String SHEET_NAME = "status";
    private static final int WINDOW_ROWS = 100;
    private static final int XLSX_LAST_ROW = SpreadsheetVersion.EXCEL2007.getLastRowIndex();
    private static final int XLSX_MAX_TEXT = SpreadsheetVersion.EXCEL2007.getMaxTextLength();

    private final CellSanitizer sanitizer;
    private final int xlsxLastRow;

    @Autowired
    public StatusReportWriter(CellSanitizer sanitizer) {
        this(sanitizer, XLSX_LAST_ROW);
    }

    /** For tests: a smaller sheet, to see what happens when a report outgrows it. */
    StatusReportWriter(CellSanitizer sanitizer, int xlsxLastRow) {
        this.sanitizer = sanitizer;
        this.xlsxLastRow = xlsxLastRow;
    }

    /**
     * Writes both files from one pass over {@code lines}. On any failure the previous reports
     * stay as they were and no temporary file is left behind.
     */
    public void write(Path csvFile, Path xlsxFile, List<String> inputHeader, Iterator<StatusLine> lines)
            throws IOException {
        Path csvTmp = tempBeside(csvFile);
        Path xlsxTmp = tempBeside(xlsxFile);
        try {
            long written = writeBoth(csvTmp, xlsxTmp, inputHeader, lines);
            Files.move(csvTmp, csvFile, ATOMIC_MOVE, REPLACE_EXISTING);
            Files.move(xlsxTmp, xlsxFile, ATOMIC_MOVE, REPLACE_EXISTING);
            if (written >= xlsxLastRow) {
                log.warn("Status report {} has {} lines; its XLSX twin stops at row {}", xlsxFile, written, xlsxLastRow);
            }
        } catch (Throwable failure) {
            deleteAfter(failure, csvTmp);
            deleteAfter(failure, xlsxTmp);
            throw failure;
        }
    }

    /** Returns the number of lines written to the CSV. */
    private long writeBoth(Path csvTmp, Path xlsxTmp, List<String> inputHeader, Iterator<StatusLine> lines)
            throws IOException {
        List<String> header = new ArrayList<>(COLUMNS);
        header.addAll(inputHeader);
        SXSSFWorkbook workbook = new SXSSFWorkbook(WINDOW_ROWS);
        workbook.setCompressTempFiles(true); // ~55 MB instead of ~690 MB of temp files per million rows, for ~10% more time
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(openWithBom(csvTmp))) {
            Sheet sheet = workbook.createSheet(SHEET_NAME);
            sheet.createFreezePane(0, 1);
            CellStyle headerStyle = textStyle(workbook);
            Font bold = workbook.createFont();
            bold.setBold(true);
            headerStyle.setFont(bold);
            CellStyle textStyle = textStyle(workbook);

            writeCsv(csv, header);
            writeXlsx(sheet.createRow(0), header, headerStyle, null);
            int sheetRow = 1;
            long written = 0;
            while (lines.hasNext()) {
                StatusLine line = lines.next();
                List<String> cells = cells(line, inputHeader.size());
                writeCsv(csv, cells);
                if (sheetRow < xlsxLastRow) {
                    writeXlsx(sheet.createRow(sheetRow++), cells, textStyle, line.row());
                } else if (sheetRow == xlsxLastRow) {
                    sheet.createRow(sheetRow++).createCell(0)
                            .setCellValue("The sheet is full; the CSV report has every line.");
                }
                written++;
            }
            try (OutputStream out = Files.newOutputStream(xlsxTmp, CREATE_NEW, WRITE)) {
                workbook.write(out);
            }
            return written;
        } finally {
            workbook.dispose(); // deletes its temp files; before close(), which would leave it flushing into closed streams
            workbook.close();
        }
    }

    private List<String> cells(StatusLine line, int inputWidth) {
        List<String> cells = new ArrayList<>(COLUMNS.size() + inputWidth);
        cells.add(Integer.toString(line.row()));
        cells.add(line.phone());
        cells.add(line.phoneE164());
        cells.add(line.status());
        cells.add(line.reason());
        cells.add(line.errorCode());
        cells.add(line.messageId());
        cells.add(utcSeconds(line.updatedAt()));
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

    /** String cells only (a string cell is never evaluated, so no quote prefix); {@code row} as a number. */
    private static void writeXlsx(Row sheetRow, List<String> cells, CellStyle style, Integer rowNumber) {
        int first = 0;
        if (rowNumber != null) {
            sheetRow.createCell(0).setCellValue(rowNumber);
            first = 1;
        }
        for (int i = first; i < cells.size(); i++) {
            String value = cells.get(i);
            if (value == null || value.isEmpty()) {
                continue; // a missing cell reads as blank, as people expect
            }
            Cell cell = sheetRow.createCell(i);
            cell.setCellValue(value.length() > XLSX_MAX_TEXT ? value.substring(0, XLSX_MAX_TEXT) : value);
            cell.setCellStyle(style);
        }
    }

    /** Text format ("@") so that editing a cell in Excel keeps it text instead of parsing a formula. */
    private static CellStyle textStyle(SXSSFWorkbook workbook) {
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.createDataFormat().getFormat("@"));
        return style;
    }

    private static String utcSeconds(Instant at) {
        return at == null ? "" : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Writer openWithBom(Path file) throws IOException {
        Writer writer = new OutputStreamWriter(Files.newOutputStream(file, CREATE_NEW, WRITE), UTF_8);
        writer.write('\uFEFF'); // UTF-8 BOM (EF BB BF) so that Excel reads the file as UTF-8
        return writer;
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
