package io.arauto.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

import com.github.pjfanning.xlsx.SharedStringsImplementationType;
import com.github.pjfanning.xlsx.StreamingReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XlsxRowReaderTest {

    @TempDir
    Path dir;

    private final XlsxRowReader reader = new XlsxRowReader();

    /** XSSF writes text to the shared-strings table, SXSSF writes it inline: both must read the same. */
    static Stream<Arguments> writers() {
        return Stream.of(
                Arguments.of("shared strings (XSSFWorkbook)", (Supplier<Workbook>) XSSFWorkbook::new),
                Arguments.of("inline strings (SXSSFWorkbook)", (Supplier<Workbook>) SXSSFWorkbook::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void readsRawPhoneAndDisplayedVariables(String name, Supplier<Workbook> writer) throws IOException {
        Path file = dir.resolve("contacts.xlsx");
        try (Workbook book = writer.get(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            Sheet sheet = book.createSheet("Contatos");

            var header = sheet.createRow(0);
            String[] names = {" Phone ", "Vencimento", "Pedido", "Total", "Link", "Nome "};
            for (int i = 0; i < names.length; i++) {
                header.createCell(i).setCellValue(names[i]);
            }
            var row = sheet.createRow(1);
            row.createCell(0).setCellValue(5511987654321d);
            row.createCell(1).setCellValue(LocalDate.of(2026, 12, 25));
            row.getCell(1).setCellStyle(date);
            row.createCell(2).setCellValue(1001);
            row.createCell(3).setCellFormula("C2*2");
            row.getCell(3).setCellValue(2002); // the cached result a spreadsheet program stores
            row.createCell(4).setCellValue("=HYPERLINK(\"http://x\",\"y\")");
            row.createCell(5).setCellValue("Conceição");

            var sparse = sheet.createRow(2);
            sparse.createCell(0).setCellValue("+55 21 99876-5432");
            sparse.createCell(5).setCellValue("Bruno");

            var blank = sheet.createRow(3);
            blank.createCell(0).setCellValue("  ");
            blank.createCell(1).setCellStyle(date); // a styled cell with no value

            // row 5 (index 4) is missing from the file altogether
            sheet.createRow(5).createCell(0).setCellValue(5531987654321d);
            var formulaPhone = sheet.createRow(6).createCell(0);
            formulaPhone.setCellFormula("5511900000000+1");
            formulaPhone.setCellValue(5511900000001d);

            book.createSheet("Outra").createRow(0).createCell(0).setCellValue("not this sheet");
            book.write(out);
        }

        try (RowSource source = reader.open(file)) {
            assertThat(source.header()).containsExactly("Phone", "Vencimento", "Pedido", "Total", "Link", "Nome");
            assertThat(Rows.all(source)).containsExactly(
                    new Row(2, List.of("5511987654321", "25/12/2026", "1001", "2002", "=HYPERLINK(\"http://x\",\"y\")", "Conceição")),
                    new Row(3, List.of("+55 21 99876-5432", "", "", "", "", "Bruno")),
                    new Row(6, List.of("5531987654321")),
                    new Row(7, List.of("5511900000001")));
        }
    }

    /**
     * The reader reads the sheet's XML itself; every cell must read as POI's DataFormatter shows it
     * through a workbook API (excel-streaming-reader here, as the reference), the phone column as its raw number.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void cellsReadExactlyAsDataFormatterShowsThem(String name, Supplier<Workbook> writer) throws IOException {
        Path file = dir.resolve("texts.xlsx");
        String[] texts = {"Conceição", "  leading and trailing  ", "_x000D_ escaped", "A_x0041_B", "a_xb", "_x", "0011",
                "=SUM(A1)", "+5511987654321", "line\nbreak", "tab\there", "日本語", "emoji 😀", "", " ", "x".repeat(500)};
        double[] numbers = {1001, -7, 0, 12345678901d, 123456789012d, 1.5, -0.25, 1e-7, 5511987654321d, 3.14159265358979};
        try (Workbook book = writer.get(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            CellStyle dateTime = book.createCellStyle();
            dateTime.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy hh:mm"));
            CellStyle money = book.createCellStyle();
            money.setDataFormat(book.createDataFormat().getFormat("#,##0.00"));
            CellStyle percent = book.createCellStyle();
            percent.setDataFormat((short) 10); // 0.00%
            CellStyle text = book.createCellStyle();
            text.setDataFormat((short) 49); // @
            Sheet sheet = book.createSheet("Textos");
            for (int i = 0; i < texts.length; i++) {
                var row = sheet.createRow(i);
                if (i % 3 == 1) {
                    row.createCell(0).setCellValue(numbers[i % numbers.length]); // a numeric phone cell: its raw digits
                } else {
                    row.createCell(0).setCellValue(texts[i]);
                }
                row.createCell(1).setCellValue(1001 + i);
                row.createCell(2).setCellValue(LocalDate.of(2026, 12, 25).plusDays(i));
                row.getCell(2).setCellStyle(date);
                row.createCell(3).setCellValue(i % 2 == 0);
                row.createCell(4).setCellFormula("\"" + i + "\"&\"x\"");
                row.getCell(4).setCellValue(i + "x");
                var rich = book.getCreationHelper().createRichTextString("rich " + texts[i]);
                rich.applyFont(0, 4, book.createFont());
                row.createCell(5).setCellValue(rich);
                for (int n = 0; n < numbers.length; n++) {
                    var cell = row.createCell(6 + n);
                    cell.setCellValue(numbers[n] * (i + 1));
                    cell.setCellStyle(new CellStyle[] {null, money, percent, text, dateTime}[(n + i) % 5]);
                }
                row.createCell(17).setCellValue(texts[i]);
                row.getCell(17).setCellStyle(text);
            }
            book.write(out);
        }
        assertReadAsDataFormatterShowsIt(file, new XlsxRowReader(java.util.Locale.forLanguageTag("pt-BR")));
        assertReadAsDataFormatterShowsIt(file, new XlsxRowReader(java.util.Locale.US));
        // a shared-strings table too big for the heap is read from a temp file, to the same text
        assertReadAsDataFormatterShowsIt(file, new XlsxRowReader(java.util.Locale.forLanguageTag("pt-BR"), 0));
        Path libreOffice = dir.resolve("contacts-libreoffice.xlsx");
        try (var in = getClass().getResourceAsStream("/fixtures/contacts-libreoffice.xlsx")) {
            Files.copy(in, libreOffice);
        }
        assertReadAsDataFormatterShowsIt(libreOffice, reader);
    }

    /** Reads the file with the reader and with the reference, and compares every row. */
    static void assertReadAsDataFormatterShowsIt(Path file, XlsxRowReader reader) throws IOException {
        DataFormatter formatter = XlsxRowReader.formatter(reader.locale());
        List<Row> expected = new java.util.ArrayList<>();
        try (Workbook book = StreamingReader.builder().rowCacheSize(1)
                .setSharedStringsImplementationType(SharedStringsImplementationType.TEMP_FILE_BACKED).open(file.toFile())) {
            for (var row : book.getSheetAt(0)) {
                String[] cells = new String[Math.max(row.getLastCellNum(), 0)];
                java.util.Arrays.fill(cells, "");
                for (Cell cell : row) {
                    boolean numeric = cell.getCellType() == CellType.NUMERIC
                            || cell.getCellType() == CellType.FORMULA && cell.getCachedFormulaResultType() == CellType.NUMERIC;
                    cells[cell.getColumnIndex()] = cell.getColumnIndex() == 0 && numeric
                            ? java.math.BigDecimal.valueOf(cell.getNumericCellValue()).stripTrailingZeros().toPlainString()
                            : formatter.formatCellValue(cell);
                }
                if (!java.util.Arrays.stream(cells).allMatch(String::isBlank)) {
                    expected.add(new Row(row.getRowNum() + 1, List.of(cells)));
                }
            }
        }
        assertThat(expected).hasSizeGreaterThan(1);
        try (RowSource source = reader.open(file)) {
            assertThat(source.header()).containsExactlyElementsOf(expected.get(0).cells().stream().map(String::strip).toList());
            assertThat(Rows.all(source)).containsExactlyElementsOf(expected.subList(1, expected.size()));
        }
    }

    /** Old Mac Excel counts dates from 1904: the same stored number is another day, which the workbook says. */
    @Test
    void datesOfA1904WorkbookAreShownAsItsSpreadsheetShowsThem() throws IOException {
        Path file = dir.resolve("excel-1900.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            Sheet sheet = book.createSheet();
            sheet.createRow(0).createCell(0).setCellValue("telefone");
            sheet.getRow(0).createCell(1).setCellValue("vencimento");
            var row = sheet.createRow(1);
            row.createCell(0).setCellValue(5511987654321d);
            row.createCell(1).setCellValue(LocalDate.of(2026, 12, 25)); // stored as days since 1900
            row.getCell(1).setCellStyle(date);
            book.write(out);
        }
        Path mac = dir.resolve("excel-1904.xlsx");
        rewritePart(file, mac, "xl/workbook.xml", xml -> {
            assertThat(xml).contains("date1904=\"false\""); // as POI writes it
            return xml.replace("date1904=\"false\"", "date1904=\"true\"");
        });

        try (RowSource source = reader.open(mac)) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "26/12/2030"))); // 1,462 days later
        }
        assertReadAsDataFormatterShowsIt(mac, reader);
    }

    /** Numbers are shown as Excel shows them: from their 15 significant digits, as POI's formatRawCellContents does. */
    @Test
    void numbersAreRoundedAsExcelRoundsThem() throws IOException {
        Path file = dir.resolve("rounding.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle twoDecimals = book.createCellStyle();
            twoDecimals.setDataFormat(book.createDataFormat().getFormat("0.00"));
            Sheet sheet = book.createSheet();
            sheet.createRow(0).createCell(0).setCellValue("telefone");
            sheet.getRow(0).createCell(1).setCellValue("valor");
            var row = sheet.createRow(1);
            row.createCell(0).setCellValue(5511987654321d);
            row.createCell(1).setCellValue(0.11499999999999999); // what 0.115 becomes after arithmetic; Excel shows 0,12
            row.getCell(1).setCellStyle(twoDecimals);
            book.write(out);
        }
        try (RowSource source = reader.open(file)) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "0,12")));
        }
    }

    /** Some tools write dates as ISO text (t="d"); they show through the cell's format like any date. */
    @Test
    void isoDateCellsAreShownThroughTheirFormat() throws IOException {
        Path file = dir.resolve("serial-dates.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle builtInDate = book.createCellStyle();
            builtInDate.setDataFormat((short) 14);
            Sheet sheet = book.createSheet();
            sheet.createRow(0).createCell(0).setCellValue("telefone");
            sheet.getRow(0).createCell(1).setCellValue("vencimento");
            var row = sheet.createRow(1);
            row.createCell(0).setCellValue(5511987654321d);
            row.createCell(1).setCellValue(LocalDate.of(2020, 1, 1));
            row.getCell(1).setCellStyle(builtInDate);
            book.write(out);
        }
        Path iso = dir.resolve("iso-dates.xlsx");
        rewriteSheet(file, iso, xml -> {
            var cell = java.util.regex.Pattern.compile("<c r=\"B2\"[^>]*?( s=\"\\d+\")[^>]*>.*?</c>").matcher(xml);
            assertThat(cell.find()).isTrue();
            return xml.substring(0, cell.start()) + "<c r=\"B2\"" + cell.group(1) + " t=\"d\"><v>2026-12-25T00:00:00</v></c>"
                    + xml.substring(cell.end());
        });
        try (RowSource source = reader.open(iso)) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "25/12/2026")));
        }
        assertReadAsDataFormatterShowsIt(iso, reader);
    }

    /** A workbook with a phone and a "vencimento" date cell in built-in format 14, as POI writes it; the tests rewrite its XML. */
    private Path phoneAndDate(String name) throws IOException {
        Path file = dir.resolve(name);
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle builtInDate = book.createCellStyle();
            builtInDate.setDataFormat((short) 14);
            Sheet sheet = book.createSheet("Contatos");
            sheet.createRow(0).createCell(0).setCellValue("telefone");
            sheet.getRow(0).createCell(1).setCellValue("vencimento");
            sheet.getRow(0).createCell(2).setCellValue("valor");
            for (int i = 1; i <= 3; i++) {
                var row = sheet.createRow(i);
                row.createCell(0).setCellValue(5511987650000d + i);
                row.createCell(1).setCellValue(LocalDate.of(2020, 1, i));
                row.getCell(1).setCellStyle(builtInDate);
                row.createCell(2).setCellValue(10 * i);
            }
            book.write(out);
        }
        return file;
    }

    /** Replaces the cell {@code ref} (e.g. "B2") of the first sheet with {@code xml}, keeping its style attribute if {@code keepStyle}. */
    private static UnaryOperator<String> replacingCell(String ref, java.util.function.Function<String, String> xml) {
        return sheet -> {
            var cell = java.util.regex.Pattern.compile("<c r=\"" + ref + "\"([^>]*?)(/>|>.*?</c>)").matcher(sheet);
            assertThat(cell.find()).as("cell %s in %s", ref, sheet).isTrue();
            var style = java.util.regex.Pattern.compile(" s=\"\\d+\"").matcher(cell.group(1));
            return sheet.substring(0, cell.start()) + xml.apply(style.find() ? style.group() : "") + sheet.substring(cell.end());
        };
    }

    /**
     * SheetJS with {@code cellDates: true} writes dates as ISO text with milliseconds and a Z
     * ({@code <c t="d"><v>2014-02-14T08:27:48.765Z</v></c>}): shown through the cell's format, not as the raw text.
     */
    @Test
    void isoDatesWithAZoneAsSheetJsWritesThemShowThroughTheirFormat() throws IOException {
        Path sheetJs = dir.resolve("sheetjs.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), sheetJs, xml -> {
            xml = replacingCell("B2", s -> "<c r=\"B2\"" + s + " t=\"d\"><v>2014-02-14T08:27:48.765Z</v></c>").apply(xml);
            return replacingCell("B3", s -> "<c r=\"B3\"" + s + " t=\"d\"><v>2026-12-25T00:00:00.000+00:00</v></c>").apply(xml);
        });
        try (RowSource source = reader.open(sheetJs)) {
            assertThat(Rows.all(source)).extracting(r -> r.cell(1)).containsExactly("14/02/2014", "25/12/2026", "03/01/2020");
        }
    }

    /**
     * openpyxl and other scripts write formulas without calculating them ({@code <f>B2*2</f><v></v>} or no
     * {@code <v>} at all); Excel would show the result, the file holds none. The cell is not silently empty.
     */
    @Test
    void aFormulaWithNoSavedResultIsNamedNotReadAsEmpty() throws IOException {
        Path openpyxl = dir.resolve("openpyxl.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), openpyxl, xml -> {
            xml = replacingCell("C2", s -> "<c r=\"C2\"" + s + "><f>A2*2</f><v></v></c>").apply(xml);
            xml = replacingCell("C3", s -> "<c r=\"C3\"" + s + "><f>A3*2</f></c>").apply(xml);
            return replacingCell("C4", s -> "<c r=\"C4\"" + s + " t=\"str\"><f>\"\"</f><v></v></c>").apply(xml); // Excel: an empty text result
        });
        try (RowSource source = reader.open(openpyxl)) {
            List<Row> rows = Rows.all(source);
            assertThat(rows).extracting(r -> r.cell(2)).containsExactly("", "", "");
            assertThat(rows.get(0).unreadable(2)).isEqualTo("holds a formula with no saved result; open the file in Excel (or "
                    + "LibreOffice) and save it again, so that its results are saved too.");
            assertThat(rows.get(1).unreadable(2)).isEqualTo(rows.get(0).unreadable(2));
            assertThat(rows.get(2).unreadable()).isEmpty();
            assertThat(rows.get(0).unreadable(1)).isNull();
        }
    }

    /** A number cell whose {@code <v>} is empty (a hand-rolled XML writer) holds no number: said, not read as empty. */
    @Test
    void anEmptyValueInANumberCellIsNamed() throws IOException {
        Path file = dir.resolve("empty-v.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), file, replacingCell("C2", s -> "<c r=\"C2\"" + s + "><v></v></c>"));
        try (RowSource source = reader.open(file)) {
            assertThat(source.next().unreadable(2)).startsWith("is a number cell with no number saved in it");
        }
    }

    /**
     * Excel saves an error cell as {@code t="e"} with its error text ({@code #N/A}, or a formula's cached {@code #DIV/0!}):
     * read as that text, so that the verdict names it (RowJudgeTest) rather than calling the cell empty.
     */
    @Test
    void errorCellsAsExcelSavesThemReadAsTheirErrorValue() throws IOException {
        Path file = dir.resolve("errors.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), file, xml -> {
            xml = replacingCell("C2", s -> "<c r=\"C2\"" + s + " t=\"e\"><v>#N/A</v></c>").apply(xml);
            return replacingCell("C3", s -> "<c r=\"C3\"" + s + " t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>").apply(xml);
        });
        try (RowSource source = reader.open(file)) {
            assertThat(Rows.all(source)).extracting(r -> r.cell(2)).containsExactly("#N/A", "#DIV/0!", "30");
        }
    }

    /** XML cannot hold a NUL; Excel writes control characters as {@code _x0000_}: they read as the character, which the verdict then names. */
    @Test
    void controlCharactersEscapedAsExcelWritesThemReadAsThemselves() throws IOException {
        Path file = dir.resolve("escaped.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), file,
                replacingCell("B2", s -> "<c r=\"B2\" t=\"inlineStr\"><is><t>A_x0000_na_x0007_</t></is></c>"));
        try (RowSource source = reader.open(file)) {
            assertThat(source.next().cell(1)).isEqualTo("A\u0000na\u0007");
        }
    }

    /** Two {@code <row r="3">} (a faulty writer): the ledger would meet two row 3s; the file is refused, saying so. */
    @Test
    void aRowNumberThatComesTwiceRefusesTheFile() throws IOException {
        Path file = dir.resolve("twice.xlsx");
        rewriteSheet(phoneAndDate("poi.xlsx"), file, xml -> xml.replace("<row r=\"4\"", "<row r=\"3\""));
        try (RowSource source = reader.open(file)) {
            assertThat(source.next().number()).isEqualTo(2);
            assertThat(source.next().number()).isEqualTo(3);
            assertThatThrownBy(source::hasNext).isInstanceOf(UncheckedIOException.class).cause()
                    .isInstanceOf(UnreadableFileException.class)
                    .hasMessageStartingWith("twice.xlsx could not be read at row 3: the sheet has row 3 twice (or its rows out of "
                            + "order), which Excel never writes");
        }
    }

    /** Excel pt-BR: a new workbook's empty "Planilha1" left in front of the sheet the data was pasted into. */
    @Test
    void anEmptyFirstSheetWithDataOnAnotherSaysWhereTheDataIs() throws IOException {
        Path file = dir.resolve("duas-abas.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            book.createSheet("Planilha1");
            Sheet data = book.createSheet("Contatos");
            data.createRow(0).createCell(0).setCellValue("telefone");
            data.createRow(1).createCell(0).setCellValue(5511987650001d);
            book.write(out);
        }
        assertThatThrownBy(() -> reader.open(file)).isInstanceOf(UnreadableFileException.class)
                .hasMessage("duas-abas.xlsx: the first sheet ('Planilha1') is empty, and Arauto reads the first sheet only; the data is "
                        + "on sheet 'Contatos'. Move that sheet to the front (or delete the empty one), save, and drop the file again.");
    }

    @Test
    void aWorkbookWithAPartMissingIsRefusedAndLetGo() throws IOException {
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            book.createSheet("Contatos").createRow(0).createCell(0).setCellValue("phone");
            book.write(out);
        }
        Path broken = dir.resolve("no-workbook.xlsx");
        copyZip(valid, broken, name -> !name.equals("xl/workbook.xml"), UnaryOperator.identity());
        assertThatThrownBy(() -> reader.open(broken))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("no-workbook.xlsx could not be opened as an Excel workbook: the file is damaged or is not an .xlsx file");
        if (Rows.canCountHandles()) {
            assertThat(Rows.openHandles(broken)).isZero();
        }
    }

    /** Excel's "Strict Open XML Spreadsheet" is another format; the sender is told how to save the file instead. */
    @Test
    void aStrictOpenXmlWorkbookIsRefusedWithWhatToDo() throws IOException {
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            book.createSheet("Contatos").createRow(0).createCell(0).setCellValue("phone");
            book.write(out);
        }
        Path strict = dir.resolve("strict.xlsx");
        copyZip(valid, strict, name -> true, xml -> xml
                .replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
                .replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                        "http://purl.oclc.org/ooxml/officeDocument/relationships"));
        assertThatThrownBy(() -> reader.open(strict))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("strict.xlsx could not be opened as an Excel workbook: it is saved as Strict Open XML Spreadsheet; "
                        + "save it as Excel Workbook (.xlsx)");
    }

    /** A damaged shared-strings table read into a temp file leaves no temp file behind. */
    @Test
    void aDamagedSharedStringsTableLeavesNoTempFile() throws IOException {
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            var row = book.createSheet("Contatos").createRow(0);
            row.createCell(0).setCellValue("phone");
            row.createCell(1).setCellValue("nome");
            book.write(out);
        }
        Path broken = dir.resolve("broken-strings.xlsx");
        rewritePart(valid, broken, "xl/sharedStrings.xml", xml -> xml.substring(0, xml.indexOf("</si>")));
        Path poiTemp = Path.of(System.getProperty("java.io.tmpdir"), "poifiles");
        long before = tempFiles(poiTemp);
        XlsxRowReader onDisk = new XlsxRowReader(java.util.Locale.forLanguageTag("pt-BR"), 0);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> onDisk.open(broken)).isInstanceOf(UnreadableFileException.class);
        }
        assertThat(tempFiles(poiTemp)).isEqualTo(before);
    }

    private static long tempFiles(Path poiTemp) throws IOException {
        if (!Files.isDirectory(poiTemp)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(poiTemp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("poi-shared-strings")).count();
        }
    }

    /** The zip's directory can understate a part's size; the in-memory table then gives up and the temp file takes over. */
    @Test
    void theInMemorySharedStringsTableGivesUpBeyondItsLimit() throws Exception {
        Path file = dir.resolve("names.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            Sheet sheet = book.createSheet();
            for (int i = 0; i < 200; i++) {
                sheet.createRow(i).createCell(0).setCellValue("Nome número " + i);
            }
            book.write(out);
        }
        try (var pkg = org.apache.poi.openxml4j.opc.OPCPackage.open(file.toFile(), org.apache.poi.openxml4j.opc.PackageAccess.READ)) {
            var parts = new org.apache.poi.xssf.eventusermodel.XSSFReader(pkg);
            assertThat(XlsxRowReader.InMemoryStrings.read(parts, 1_000)).isNull(); // ~2,500 characters
            var table = XlsxRowReader.InMemoryStrings.read(parts, 1_000_000);
            assertThat(table).isNotNull();
            assertThat(table.apply(0)).isEqualTo("Nome número 0");
            assertThat(table.apply(199)).isEqualTo("Nome número 199");
            pkg.revert();
        }
    }

    /** Java writers (POI among them) store whole numbers as "1001.0"; Excel as "1001". Both are the number 1001. */
    @Test
    void wholeNumbersAreTakenAsWrittenWhateverTheWriter() {
        assertThat(XlsxRowReader.plainInteger("1001", 11)).isEqualTo("1001");
        assertThat(XlsxRowReader.plainInteger("100000.0", 11)).isEqualTo("100000");
        assertThat(XlsxRowReader.plainInteger("-7.0", 11)).isEqualTo("-7");
        assertThat(XlsxRowReader.plainInteger("0", 11)).isEqualTo("0");
        assertThat(XlsxRowReader.plainInteger("123456789012", 11)).isNull(); // General shows 1,23457E+11
        for (String notPlain : new String[] {"-0", "007", "1.5", "1.50", "5.56693132229E12", "", "-", ".0", "1e3"}) {
            assertThat(XlsxRowReader.plainInteger(notPlain, 15)).as(notPlain).isNull();
        }
        assertThat(XlsxRowReader.rawNumber("5.56693132229E12")).isEqualTo("5566931322290");
        assertThat(XlsxRowReader.rawNumber("5511987654321.0")).isEqualTo("5511987654321");
        assertThat(XlsxRowReader.rawNumber("5511987654321")).isEqualTo("5511987654321");
    }

    /** Written by LibreOffice Calc; see src/test/resources/fixtures/README.md. */
    @Test
    void readsAWorkbookWrittenByLibreOffice() throws IOException {
        Path file = dir.resolve("contacts-libreoffice.xlsx");
        try (var in = getClass().getResourceAsStream("/fixtures/contacts-libreoffice.xlsx")) {
            Files.copy(in, file);
        }
        try (RowSource source = reader.open(file)) {
            assertThat(source.header()).containsExactly("telefone", "nome", "vencimento", "pedido", "total");
            assertThat(Rows.all(source)).containsExactly(
                    new Row(2, List.of("5511987654321", "Conceição", "25/12/2026", "1001", "2002")),
                    new Row(4, List.of("+55 21 99876-5432", "São Paulo", "05/01/2027", "1002", "2004")));
        }
    }

    /** Excel saves a date typed in a Brazilian Excel with its built-in format 14, shown as the computer's short date. */
    @Test
    void excelsDefaultDateAndNumberFormatsAreShownTheWayTheLocalesSpreadsheetShowsThem() throws IOException {
        Path file = dir.resolve("excel-defaults.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            Sheet sheet = book.createSheet();
            var header = sheet.createRow(0);
            header.createCell(0).setCellValue("telefone");
            header.createCell(1).setCellValue("vencimento");
            header.createCell(2).setCellValue("valor");
            var row = sheet.createRow(1);
            row.createCell(0).setCellValue(5511987654321d);
            CellStyle builtInDate = book.createCellStyle();
            builtInDate.setDataFormat((short) 14);
            row.createCell(1).setCellValue(LocalDate.of(2026, 12, 25));
            row.getCell(1).setCellStyle(builtInDate);
            CellStyle money = book.createCellStyle();
            money.setDataFormat((short) 4); // #,##0.00
            row.createCell(2).setCellValue(1234.5);
            row.getCell(2).setCellStyle(money);
            book.write(out);
        }
        try (RowSource source = new XlsxRowReader(java.util.Locale.forLanguageTag("pt-BR")).open(file)) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "25/12/2026", "1.234,50")));
        }
        try (RowSource source = new XlsxRowReader(java.util.Locale.US).open(file)) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "12/25/2026", "1,234.50")));
        }
    }

    @Test
    void sheetWithoutRowsHasEmptyHeader() throws IOException {
        Path file = dir.resolve("empty-sheet.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            book.createSheet("Vazia").createRow(4).createCell(2).setCellValue(" ");
            book.write(out);
        }
        try (RowSource source = reader.open(file)) {
            assertThat(source.header()).isEmpty();
            assertThat(source.hasNext()).isFalse();
        }
    }

    @Test
    void zeroByteFileHasEmptyHeader() throws IOException {
        try (RowSource source = reader.open(Files.createFile(dir.resolve("empty.xlsx")))) {
            assertThat(source.header()).isEmpty();
            assertThat(source.hasNext()).isFalse();
        }
    }

    @Test
    void zipBombProtectionStaysOn() throws IOException {
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            book.createSheet("Contatos").createRow(0).createCell(0).setCellValue("phone");
            book.write(out);
        }
        Path bomb = dir.resolve("bomb.xlsx");
        String padding = "<!--" + " ".repeat(20_000_000) + "-->"; // deflates about 1000 to 1
        rewriteSheet(valid, bomb, xml -> xml.replace("?>", "?>" + padding)); // ahead of the first row, so open() meets it
        assertThatThrownBy(() -> reader.open(bomb))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("bomb.xlsx could not be ")
                .hasMessageContaining("as a zip bomb does");
    }

    /** A sheet's XML may not pull in other files (XXE) nor expand entities without end (billion laughs). */
    @Test
    void entitiesInTheSheetXmlAreNeverExpanded() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            var sheet = book.createSheet("Contatos");
            sheet.createRow(0).createCell(0).setCellValue("phone");
            sheet.getRow(0).createCell(1).setCellValue("nome");
            sheet.createRow(1).createCell(0).setCellValue(5511987654321d);
            book.write(out);
        }
        String laughs = "<!ENTITY a \"ha\">" + java.util.stream.IntStream.rangeClosed(1, 9)
                .mapToObj(i -> "<!ENTITY " + (char) ('a' + i) + " \"" + ("&" + (char) ('a' + i - 1) + ";").repeat(10) + "\">")
                .collect(java.util.stream.Collectors.joining());
        Path hostile = dir.resolve("hostile.xlsx");
        rewriteSheet(valid, hostile, xml -> {
            assertThat(xml).contains("?>", "</row></sheetData>");
            return xml.replace("?>", "?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">" + laughs + "]>")
                .replace("</row></sheetData>", "<c r=\"B2\" t=\"inlineStr\"><is><t>&xxe;&j;</t></is></c></row></sheetData>");
        });

        try (RowSource source = reader.open(hostile)) {
            List<Row> rows = Rows.all(source);
            assertThat(rows.toString()).doesNotContain("TOP-SECRET").doesNotContain("haha");
        } catch (UnreadableFileException | UncheckedIOException refused) {
            assertThat(refused).hasMessageContaining("hostile.xlsx");
        }
    }

    @Test
    void aSheetThatBreaksOffNamesTheLastRowRead() throws IOException {
        Path valid = dir.resolve("valid.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(valid)) {
            var sheet = book.createSheet("Contatos");
            sheet.createRow(0).createCell(0).setCellValue("phone");
            for (int i = 1; i < 5; i++) {
                sheet.createRow(i).createCell(0).setCellValue(5511987654320d + i);
            }
            book.write(out);
        }
        Path broken = dir.resolve("broken.xlsx");
        rewriteSheet(valid, broken, xml -> xml.substring(0, xml.indexOf("<row r=\"4\"")) + "<row r=\"4\"><c r=\"A4\" t=\"n\"><v>55</c>");
        try (RowSource source = reader.open(broken)) {
            assertThat(source.next().number()).isEqualTo(2);
            assertThat(source.next().number()).isEqualTo(3);
            assertThatThrownBy(source::hasNext)
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOf(UnreadableFileException.class)
                    .hasMessage("broken.xlsx could not be read after row 3: the workbook is damaged");
        }
    }

    @Test
    void closeReleasesTheFile() throws IOException {
        assumeTrue(Rows.canCountHandles());
        Path file = dir.resolve("close.xlsx");
        try (Workbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            var sheet = book.createSheet("Contatos");
            for (int i = 0; i < 10; i++) {
                sheet.createRow(i).createCell(0).setCellValue(5511987654321d + i);
            }
            book.write(out);
        }
        RowSource source = reader.open(file);
        source.next();
        assertThat(Rows.openHandles(file)).isPositive();
        source.close();
        assertThat(Rows.openHandles(file)).isZero();
    }

    /** Copies an .xlsx, changing the XML of its first sheet. */
    private static void rewriteSheet(Path from, Path to, UnaryOperator<String> change) throws IOException {
        rewritePart(from, to, "xl/worksheets/sheet1.xml", change);
    }

    /** Copies an .xlsx, changing the XML of one part. */
    private static void rewritePart(Path from, Path to, String part, UnaryOperator<String> change) throws IOException {
        copyZip(from, to, name -> true, xml -> xml, part, change);
    }

    /** Copies an .xlsx, keeping the parts {@code keep} says and changing the XML of every part. */
    private static void copyZip(Path from, Path to, java.util.function.Predicate<String> keep, UnaryOperator<String> change)
            throws IOException {
        copyZip(from, to, keep, change, null, null);
    }

    private static void copyZip(Path from, Path to, java.util.function.Predicate<String> keep, UnaryOperator<String> all,
                                String part, UnaryOperator<String> change) throws IOException {
        try (var in = new ZipInputStream(Files.newInputStream(from)); var out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (!keep.test(entry.getName())) {
                    continue;
                }
                String xml = all.apply(new String(bytes, StandardCharsets.UTF_8));
                if (entry.getName().equals(part)) {
                    xml = change.apply(xml);
                }
                bytes = xml.getBytes(StandardCharsets.UTF_8);
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
    }
}
