package io.arauto.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import io.arauto.ledger.StatusLine;

class StatusReportWriterTest {

    private static final List<String> INPUT_HEADER = List.of("Telefone", "nome", "=cmd|' /C calc'!A0");
    private static final String HYPERLINK = "=HYPERLINK(\"http://evil\",\"x\")";

    @TempDir
    Path dir;

    private final StatusReportWriter writer = new StatusReportWriter(new CellSanitizer());

    private Path csv() {
        return dir.resolve("outbox/clientes.42.status.csv");
    }

    private Path xlsx() {
        return dir.resolve("outbox/clientes.42.status.xlsx");
    }

    private static List<StatusLine> sample() {
        return List.of(
                new StatusLine(2, "11 98765-4321", "+5511987654321", "DELIVERED", "", null, "wamid.A1",
                        Instant.parse("2026-11-22T01:19:45.678Z"),
                        List.of("11 98765-4321", "Silva, \"Ana\"\nsegunda linha")),
                new StatusLine(3, "-12", null, "INVALID", "+cmd", "-12", "-2+3", null,
                        List.of("-12", "@SUM(A1)", HYPERLINK)),
                new StatusLine(5, "\tcalc", null, "INVALID", "\r=1", null, null, null, List.of("\tcalc")));
    }

    @Test
    void csvStartsWithBomAndUsesCrlf() throws IOException {
        writer.write(csv(), xlsx(), INPUT_HEADER, sample().iterator());

        byte[] bytes = Files.readAllBytes(csv());
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(bytes, 3));
        String text = new String(bytes, 3, bytes.length - 3, UTF_8);
        assertTrue(text.startsWith("row,phone,phone_e164,status,reason,error_code,message_id,updated_at,"
                + "Telefone,nome,'=cmd|' /C calc'!A0\r\n2,"), text);
    }

    @Test
    void csvRoundTripsWithFormulasMadeInert() throws IOException {
        writer.write(csv(), xlsx(), INPUT_HEADER, sample().iterator());

        List<List<String>> records = readCsv(csv());
        assertEquals(List.of(
                List.of("row", "phone", "phone_e164", "status", "reason", "error_code", "message_id", "updated_at",
                        "Telefone", "nome", "'=cmd|' /C calc'!A0"),
                List.of("2", "11 98765-4321", "+5511987654321", "DELIVERED", "", "", "wamid.A1", "2026-11-22T01:19:45Z",
                        "11 98765-4321", "Silva, \"Ana\"\nsegunda linha", ""),
                List.of("3", "-12", "", "INVALID", "'+cmd", "-12", "'-2+3", "",
                        "-12", "'@SUM(A1)", "'" + HYPERLINK),
                List.of("5", "'\tcalc", "", "INVALID", "'\r=1", "", "", "", "'\tcalc", "", "")), records);
    }

    @Test
    void xlsxHasOnlyTextCellsBesidesTheRowNumber() throws IOException {
        writer.write(csv(), xlsx(), INPUT_HEADER, sample().iterator());

        try (InputStream in = Files.newInputStream(xlsx()); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            XSSFSheet sheet = statusSheetWithItsHeaderFrozen(workbook);

            for (Row row : sheet) {
                for (Cell cell : row) {
                    boolean rowNumber = row.getRowNum() > 0 && cell.getColumnIndex() == 0;
                    assertEquals(rowNumber ? CellType.NUMERIC : CellType.STRING, cell.getCellType(), cell.getAddress().toString());
                }
            }
            Row header = sheet.getRow(0);
            for (Cell cell : header) {
                assertTrue(workbook.getFontAt(cell.getCellStyle().getFontIndex()).getBold(), cell.getAddress().toString());
            }
            assertEquals(List.of("row", "phone", "phone_e164", "status", "reason", "error_code", "message_id", "updated_at",
                    "Telefone", "nome", "=cmd|' /C calc'!A0"), texts(header, 11));
            assertEquals(2.0, sheet.getRow(1).getCell(0).getNumericCellValue());
            assertEquals(List.of("", "11 98765-4321", "+5511987654321", "DELIVERED", "", "", "wamid.A1",
                    "2026-11-22T01:19:45Z", "11 98765-4321", "Silva, \"Ana\"\nsegunda linha", ""), texts(sheet.getRow(1), 11));
            assertEquals(List.of("", "-12", "", "INVALID", "+cmd", "-12", "-2+3", "", "-12", "@SUM(A1)", HYPERLINK),
                    texts(sheet.getRow(2), 11));
            assertEquals(List.of("", "\tcalc", "", "INVALID", "\r=1", "", "", "", "\tcalc", "", ""), texts(sheet.getRow(3), 11));
            assertEquals(3, sheet.getLastRowNum());
            assertFalse(workbook.getFontAt(sheet.getRow(1).getCell(1).getCellStyle().getFontIndex()).getBold());
        }
    }

    private static final List<String> PEOPLE_HEADER = List.of("telefone", "nome", "observação", "valor");

    /** Accents, emoji, formulas, phones that look like numbers, spaces, markup, line breaks, empty cells. */
    private static List<StatusLine> forPeople() {
        return List.of(
                new StatusLine(2, "5511987654321", "+5511987654321", "READ", "", null, "wamid.HBgM==",
                        Instant.parse("2026-11-22T05:30:02.999Z"), List.of("5511987654321", "João Conceição", "ação 🎉👍🏽", "1001")),
                new StatusLine(3, "=HYPERLINK(\"x\")", null, "INVALID", "The phone '=HYPERLINK(\"x\")' is not a valid number.",
                        null, null, null, List.of("=HYPERLINK(\"x\")", "=1+1", "", "-5")),
                new StatusLine(4, "+55 (11) 98765-4321", "+5511987654321", "DUPLICATE", "The same number is on row 2.", null, null,
                        Instant.parse("2026-11-22T05:30:00Z"), List.of("+55 (11) 98765-4321", " espaços ", "Ana & Bia <b>&amp;</b>", "0011")),
                new StatusLine(5, "011987654321", "+5511987654321", "FAILED", "Message undeliverable", "131026", "wamid.X",
                        Instant.parse("2026-11-22T05:31:00Z"), List.of("011987654321", "Zoë \"Ü\" Ñandú", "linha 1\nlinha 2", "")),
                new StatusLine(6, "", null, "INVALID", "The phone is empty.", null, null, null, List.of()));
    }

    /**
     * Issue 13 point 5: whatever writes the XLSX, it holds what the CSV holds, cell by cell, for people: the header frozen,
     * the row number a number, every other value a text cell in text format (phones too, however much they look like
     * numbers), as written (the CSV's formula guard is a CSV matter), empty values as no cell.
     */
    @Test
    void xlsxHoldsEveryCellOfTheCsv() throws IOException {
        writer.write(csv(), xlsx(), PEOPLE_HEADER, forPeople().iterator());

        List<List<String>> records = readCsv(csv());
        CellSanitizer sanitizer = new CellSanitizer();
        try (InputStream in = Files.newInputStream(xlsx()); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            XSSFSheet sheet = statusSheetWithItsHeaderFrozen(workbook);
            assertEquals(records.size() - 1, sheet.getLastRowNum());
            int width = records.get(0).size();
            assertEquals(12, width);
            for (int r = 0; r < records.size(); r++) {
                Row row = sheet.getRow(r);
                assertTrue(row.getLastCellNum() <= width, "row " + r + " has no cell past the header's");
                for (int c = 0; c < width; c++) {
                    String expected = records.get(r).get(c);
                    Cell cell = row.getCell(c);
                    String where = "row " + r + ", column " + c;
                    if (r > 0 && c == 0) {
                        assertEquals(CellType.NUMERIC, cell.getCellType(), where);
                        assertEquals(Integer.parseInt(expected), (int) cell.getNumericCellValue(), where);
                    } else if (cell == null) {
                        assertEquals("", expected, where + ": no cell where the CSV has a value");
                    } else {
                        assertEquals(CellType.STRING, cell.getCellType(), where);
                        assertEquals("@", cell.getCellStyle().getDataFormatString(), where + " is formatted as text");
                        assertEquals(expected, sanitizer.sanitize(cell.getStringCellValue()), where);
                        assertEquals(r == 0, workbook.getFontAt(cell.getCellStyle().getFontIndex()).getBold(), where);
                    }
                }
            }
            // what a person sees: the phones as written, never turned into numbers, and the text with its accents and emoji
            assertEquals("5511987654321", sheet.getRow(1).getCell(1).getStringCellValue());
            assertEquals("011987654321", sheet.getRow(4).getCell(8).getStringCellValue());
            assertEquals("ação 🎉👍🏽", sheet.getRow(1).getCell(10).getStringCellValue());
            assertEquals("=1+1", sheet.getRow(2).getCell(9).getStringCellValue());
            assertEquals(" espaços ", sheet.getRow(3).getCell(9).getStringCellValue());
            assertEquals("linha 1\nlinha 2", sheet.getRow(4).getCell(10).getStringCellValue());
            assertEquals(null, sheet.getRow(5).getCell(1), "an empty phone is no cell");
        }
    }

    /** The same check through LibreOffice, where it is installed: it converts the XLSX to CSV headless, cell by cell as the CSV. */
    @Test
    void libreOfficeOpensTheXlsxAndFindsTheCsvsCells() throws Exception {
        Path soffice = Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "soffice")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(soffice != null, "LibreOffice (soffice) is not installed here");
        writer.write(csv(), xlsx(), PEOPLE_HEADER, forPeople().iterator());

        Path converted = dir.resolve("converted");
        Process process = new ProcessBuilder(soffice.toString(), "-env:UserInstallation=file://" + dir.resolve("lo-profile"),
                "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", converted.toString(),
                xlsx().toString()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "LibreOffice converted the file in time");
        assertEquals(0, process.exitValue(), new String(process.getInputStream().readAllBytes(), UTF_8));
        List<List<String>> seen = readCsv(converted.resolve("clientes.42.status.csv"));
        List<List<String>> expected = readCsv(csv());
        assertEquals(expected.size(), seen.size());
        CellSanitizer sanitizer = new CellSanitizer();
        for (int r = 0; r < expected.size(); r++) {
            List<String> row = new ArrayList<>(seen.get(r));
            while (row.size() < expected.get(r).size()) {
                row.add(""); // LibreOffice leaves trailing empty cells out
            }
            assertEquals(expected.get(r), row.stream().map(sanitizer::sanitize).toList(), "row " + r);
        }
    }

    @Test
    void xlsxCutsTextAtExcelsCellLimitWhileCsvKeepsIt() throws IOException {
        String longText = "x".repeat(40_000);
        writer.write(csv(), xlsx(), List.of("phone", "note"),
                List.of(new StatusLine(2, "1", "+1", "QUEUED", "", null, null, null, List.of("1", longText))).iterator());

        assertEquals(longText, readCsv(csv()).get(1).get(9));
        try (InputStream in = Files.newInputStream(xlsx()); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            assertEquals(32_767, workbook.getSheet("status").getRow(1).getCell(9).getStringCellValue().length());
        }
    }

    @Test
    void aFullSheetEndsWithANoteWhileCsvHasEveryLine() throws IOException {
        StatusReportWriter smallSheet = new StatusReportWriter(new CellSanitizer(), 3);
        List<StatusLine> lines = new ArrayList<>();
        for (int i = 2; i < 7; i++) {
            lines.add(new StatusLine(i, "1", "+1", "QUEUED", "", null, null, null, List.of("1")));
        }
        smallSheet.write(csv(), xlsx(), List.of("phone"), lines.iterator());

        assertEquals(6, readCsv(csv()).size());
        try (InputStream in = Files.newInputStream(xlsx()); XSSFWorkbook workbook = new XSSFWorkbook(in)) {
            XSSFSheet sheet = workbook.getSheet("status");
            assertEquals(3, sheet.getLastRowNum());
            assertEquals(3.0, sheet.getRow(2).getCell(0).getNumericCellValue());
            assertEquals("The sheet is full; the CSV report has every line.", sheet.getRow(3).getCell(0).getStringCellValue());
        }
    }

    @Test
    void replacesThePreviousReportAndLeavesNoTemporaryFile() throws IOException {
        writer.write(csv(), xlsx(), INPUT_HEADER, sample().iterator());
        byte[] firstCsv = Files.readAllBytes(csv());
        byte[] firstXlsx = Files.readAllBytes(xlsx());

        writer.write(csv(), xlsx(), INPUT_HEADER, sample().subList(0, 1).iterator());

        assertNotEquals(firstCsv.length, Files.readAllBytes(csv()).length);
        assertFalse(Arrays.equals(firstXlsx, Files.readAllBytes(xlsx())));
        assertEquals(2, readCsv(csv()).size());
        assertEquals(List.of("clientes.42.status.csv", "clientes.42.status.xlsx"), namesIn(csv().getParent()));
    }

    @Test
    void failureHalfWayKeepsThePreviousReport() throws IOException {
        writer.write(csv(), xlsx(), INPUT_HEADER, sample().iterator());
        byte[] goodCsv = Files.readAllBytes(csv());
        byte[] goodXlsx = Files.readAllBytes(xlsx());

        Iterator<StatusLine> breaking = new Iterator<>() {
            private int served;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public StatusLine next() {
                if (served++ == 2) {
                    throw new IllegalStateException("database went away");
                }
                return sample().get(0);
            }
        };
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> writer.write(csv(), xlsx(), INPUT_HEADER, breaking));

        assertEquals("database went away", thrown.getMessage());
        assertArrayEquals(goodCsv, Files.readAllBytes(csv()));
        assertArrayEquals(goodXlsx, Files.readAllBytes(xlsx()));
        assertEquals(List.of("clientes.42.status.csv", "clientes.42.status.xlsx"), namesIn(csv().getParent()));
    }

    @Test
    void failureOnFirstWriteLeavesNothing() throws IOException {
        Iterator<StatusLine> broken = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public StatusLine next() {
                throw new IllegalStateException("no rows");
            }
        };
        assertThrows(IllegalStateException.class, () -> writer.write(csv(), xlsx(), INPUT_HEADER, broken));
        assertEquals(List.of(), namesIn(csv().getParent()));
    }

    /** The workbook's one sheet, "status", its header row frozen. */
    private static XSSFSheet statusSheetWithItsHeaderFrozen(XSSFWorkbook workbook) {
        assertEquals(1, workbook.getNumberOfSheets());
        XSSFSheet sheet = workbook.getSheet("status");
        assertTrue(sheet.getPaneInformation().isFreezePane());
        assertEquals(1, sheet.getPaneInformation().getHorizontalSplitPosition());
        assertEquals(0, sheet.getPaneInformation().getVerticalSplitPosition());
        return sheet;
    }

    private static List<List<String>> readCsv(Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).ofCsvRecord(file)) {
            reader.forEach(record -> records.add(record.getFields()));
        }
        return records;
    }

    private static List<String> texts(Row row, int width) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            Cell cell = row.getCell(i);
            texts.add(cell == null || cell.getCellType() != CellType.STRING ? "" : cell.getStringCellValue());
        }
        return texts;
    }

    private static List<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
