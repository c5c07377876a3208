package io.arauto.read;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvRowReaderTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    private final CsvRowReader reader = new CsvRowReader();

    @Test
    void windows1252WithSemicolonsIsDecodedAsWindows1252() throws IOException {
        byte[] bytes = "telefone;cidade;nome\r\n5511987654321;São Paulo;Conceição\r\n5521998765432;Maceió;“Zé”\r\n"
                .getBytes(CsvRowReader.WINDOWS_1252);
        assertThatThrownBy(() -> UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)))
                .as("the fixture must not be valid UTF-8")
                .isInstanceOf(CharacterCodingException.class);

        try (RowSource source = reader.open(write("cp1252.csv", bytes))) {
            assertThat(source.header()).containsExactly("telefone", "cidade", "nome");
            assertThat(Rows.all(source)).containsExactly(
                    new Row(2, List.of("5511987654321", "São Paulo", "Conceição")),
                    new Row(3, List.of("5521998765432", "Maceió", "“Zé”")));
        }
    }

    @Test
    void utf8WithoutBomStaysUtf8() throws IOException {
        try (RowSource source = reader.open(write("utf8.csv", "telefone,cidade\n5511987654321,São Paulo\n".getBytes(UTF_8)))) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "São Paulo")));
        }
    }

    @Test
    void utf8BomIsSkippedAndQuotedRecordsAreOneRowEach() throws IOException {
        String csv = "phone,name,note\r\n"
                + "5511987654321,\"Ana \"\"Tica\"\" Souza\",\"line one\r\nline two\nline three\"\r\n"
                + "5521998765432,João,\"a, b\"\r\n"
                + "5531987654321,Bia,ok\r\n";
        try (RowSource source = reader.open(write("bom.csv", concat(BOM, csv.getBytes(UTF_8))))) {
            assertThat(source.header()).containsExactly("phone", "name", "note");
            assertThat(source.header().get(0)).hasSize(5).startsWith("p"); // no U+FEFF glued to it
            assertThat(Rows.all(source)).containsExactly(
                    new Row(2, List.of("5511987654321", "Ana \"Tica\" Souza", "line one\r\nline two\nline three")),
                    new Row(3, List.of("5521998765432", "João", "a, b")),
                    new Row(4, List.of("5531987654321", "Bia", "ok")));
        }
    }

    @Test
    void tabDelimited() throws IOException {
        try (RowSource source = reader.open(write("tabs.csv", "phone\tname\tcity, state\n5511987654321\tAna\tRio, RJ\n".getBytes(UTF_8)))) {
            assertThat(source.header()).containsExactly("phone", "name", "city, state");
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "Ana", "Rio, RJ")));
        }
    }

    @Test
    void delimitersInsideQuotesDoNotCount() throws IOException {
        try (RowSource source = reader.open(write("quoted.csv", "\"phone, mobile\";\"name, full\";city\n1;2;3\n".getBytes(UTF_8)))) {
            assertThat(source.header()).containsExactly("phone, mobile", "name, full", "city");
        }
    }

    @Test
    void blankRowsAreSkippedButCounted() throws IOException {
        String csv = "\n"                    // row 1: blank, before the header
                + " phone , name \n"      // row 2: header, trimmed
                + "\n"                    // row 3
                + "5511987654321,Ana\n"   // row 4
                + "   \n"                 // row 5: whitespace only
                + ",,\n"                  // row 6: empty cells only
                + "\"\",\" \"\n"          // row 7: quoted empty cells
                + "5521998765432,Bruno\n" // row 8
                + "\n\n";                 // rows 9 and 10
        try (RowSource source = reader.open(write("blanks.csv", csv.getBytes(UTF_8)))) {
            assertThat(source.header()).containsExactly("phone", "name");
            assertThat(Rows.all(source)).extracting(Row::number).containsExactly(4, 8);
        }
    }

    @Test
    void shortRowsReadMissingCellsAsEmptyAndLongRowsKeepExtraCells() throws IOException {
        String csv = "phone,name,city\n5511987654321,Ana\n5521998765432,Bruno,Rio,extra\n";
        try (RowSource source = reader.open(write("ragged.csv", csv.getBytes(UTF_8)))) {
            List<Row> rows = Rows.all(source);
            assertThat(rows.get(0).cells()).containsExactly("5511987654321", "Ana");
            assertThat(rows.get(0).cell(2)).isEmpty();
            assertThat(rows.get(1).cells()).containsExactly("5521998765432", "Bruno", "Rio", "extra");
        }
    }

    @Test
    void dataCellsAreKeptExactlyAsRead() throws IOException {
        try (RowSource source = reader.open(write("spaces.csv", "phone,name\n 5511987654321 ,  Ana  \n".getBytes(UTF_8)))) {
            assertThat(source.next().cells()).containsExactly(" 5511987654321 ", "  Ana  ");
        }
    }

    @Test
    void zeroByteFileHasEmptyHeaderAndNoRows() throws IOException {
        try (RowSource source = reader.open(write("empty.csv", new byte[0]))) {
            assertThat(source.header()).isEmpty();
            assertThat(source.hasNext()).isFalse();
        }
    }

    @Test
    void fileOfBlankLinesHasEmptyHeaderAndNoRows() throws IOException {
        try (RowSource source = reader.open(write("blank.csv", concat(BOM, "\r\n  \r\n;;\r\n".getBytes(UTF_8))))) {
            assertThat(source.header()).isEmpty();
            assertThat(source.hasNext()).isFalse();
        }
    }

    @Test
    void aRecordThatCannotBeParsedNamesItsRow() throws IOException {
        Path file = dir.resolve("runaway.csv");
        try (Writer out = Files.newBufferedWriter(file, UTF_8)) {
            out.write("phone,name\n5511987654321,Ana\n5521998765432,\"never closed ");
            String chunk = "x".repeat(1 << 20);
            for (int i = 0; i < 17; i++) { // longer than the biggest field fastcsv accepts
                out.write(chunk);
            }
        }
        try (RowSource source = reader.open(file)) {
            assertThat(source.next().number()).isEqualTo(2);
            assertThatThrownBy(source::hasNext)
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOf(UnreadableFileException.class)
                    .hasMessageStartingWith("runaway.csv could not be read at row 3: ");
        }
    }

    @Test
    void closeReleasesTheFile() throws IOException {
        assumeTrue(Rows.canCountHandles());
        Path file = write("close.csv", "phone\n5511987654321\n5521998765432\n".getBytes(UTF_8));
        RowSource source = reader.open(file);
        source.next();
        assertThat(Rows.openHandles(file)).isEqualTo(1);
        source.close();
        assertThat(Rows.openHandles(file)).isZero();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void utf16FileIsRefusedInPlainWords() throws IOException {
        Path file = dir.resolve("unicode.csv");
        Files.write(file, "telefone\tnome\r\n5511987654321\tAna\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        byte[] bytes = Files.readAllBytes(file);
        byte[] withBom = new byte[bytes.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(bytes, 0, withBom, 2, bytes.length);
        Files.write(file, withBom);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.open(file))
                .isInstanceOf(UnreadableFileException.class).hasMessageContaining("UTF-16").hasMessageContaining("CSV UTF-8");
    }

    // ---- issue 12: what real files get wrong ----

    /** Reads the whole file; a refusal, at opening or half-way, comes out as the UnreadableFileException that says why. */
    private List<Row> readAll(Path file, java.util.function.Predicate<List<String>> fits) throws IOException {
        try (RowSource source = reader.open(file, file.getFileName().toString(), fits)) {
            return Rows.all(source);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private List<Row> readAll(Path file) throws IOException {
        return readAll(file, header -> true);
    }

    /**
     * LibreOffice's and Google Sheets' "CSV (UTF-8)", 20,000 rows, with one name pasted near the end from a
     * Windows-1252 file (a lone Latin-1 é, byte E9): the file stays UTF-8 and only that cell is unreadable.
     */
    @Test
    void oneStrayLatin1ByteDoesNotReencodeAUtf8File() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes("telefone,nome,cidade\n".getBytes(UTF_8));
        for (int i = 0; i < 20_000; i++) {
            if (i == 19_990) {
                bytes.writeBytes(("55119" + (10_000_000 + i) + ",Jos").getBytes(UTF_8));
                bytes.write(0xE9); // é in Latin-1 / Windows-1252
                bytes.writeBytes(",Maceió\n".getBytes(UTF_8));
            } else {
                bytes.writeBytes(("55119" + (10_000_000 + i) + ",Conceição,São Paulo\n").getBytes(UTF_8));
            }
        }
        List<Row> rows = readAll(write("utf8-one-stray.csv", bytes.toByteArray()));
        assertThat(rows).hasSize(20_000);
        assertThat(rows.get(0).cells()).containsExactly("5511910000000", "Conceição", "São Paulo");
        assertThat(rows.get(19_990).cells()).containsExactly("5511910019990", "Jos\uFFFD", "Maceió");
        assertThat(rows.get(19_999).cells()).containsExactly("5511910019999", "Conceição", "São Paulo");
        assertThat(rows).filteredOn(r -> r.number() != 19_992).allSatisfy(r -> assertThat(r.cell(1)).isEqualTo("Conceição"));
    }

    /**
     * Excel's plain "CSV" on a Brazilian Windows (Windows-1252) with one byte that code page leaves undefined (0x81, from a
     * paste out of another program): the file stays Windows-1252 and only that cell reads as the unreadable character,
     * which the row's verdict names (RowJudgeTest).
     */
    @Test
    void aByteWindows1252LeavesUndefinedIsUnreadableInItsCellOnly() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes("telefone;nome;cidade\r\n5511987650001;Conceição;São Paulo\r\n5511987650002;Jo".getBytes(CsvRowReader.WINDOWS_1252));
        bytes.write(0x81);
        bytes.writeBytes("o;Maceió\r\n5511987650003;Ângela;Brasília\r\n".getBytes(CsvRowReader.WINDOWS_1252));
        assertThat(readAll(write("cp1252-undefined.csv", bytes.toByteArray()))).containsExactly(
                new Row(2, List.of("5511987650001", "Conceição", "São Paulo")),
                new Row(3, List.of("5511987650002", "Jo\uFFFDo", "Maceió")),
                new Row(4, List.of("5511987650003", "Ângela", "Brasília")));
    }

    /** A quote that is never closed (a script that wrote 'a,"b' without escaping) would swallow every later row. */
    @Test
    void aQuoteNeverClosedRefusesTheFileNamingItsRow() throws IOException {
        String csv = "telefone,nome,pedido\n5511987650001,Ana,1\n5511987650002,\"Bia,2\n5511987650003,Caio,3\n5511987650004,Duda,4\n";
        assertThatThrownBy(() -> readAll(write("unclosed.csv", csv.getBytes(UTF_8))))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("unclosed.csv could not be read at row 3: the quote (\") that opens a cell on row 3 is never closed, so "
                        + "every line after it would be read into that one cell. Close or remove the quote and export again");
    }

    /** Closed at last by a stray quote 60 lines on: rows between vanish into one cell unless the span gives it away. */
    @Test
    void aQuotedCellLongerThanAnyRealCellRefusesTheFile() throws IOException {
        StringBuilder csv = new StringBuilder("telefone,nome,obs\n5511987650001,Ana,\"ok\"\n5511987650002,Bia,\"nunca fechada\n");
        for (int i = 0; i < 60; i++) {
            csv.append("55119876").append(10_000 + i).append(",Nome ").append(i).append(",x\n");
        }
        csv.append("5511987659999,Zé,\"fim\"\n");
        assertThatThrownBy(() -> readAll(write("runaway-lines.csv", csv.toString().getBytes(UTF_8))))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("runaway-lines.csv could not be read at row 3: the quoted cell that starts on row 3 runs on "
                        + "for more than 50 lines");
    }

    /**
     * A quote opened on one line and closed 70,000 characters further on the same line (a script that wrote a stray '"'
     * before a long unbroken text and another at its end): no line break gives it away, its length does.
     */
    @Test
    void aQuotedCellOfMoreCharactersThanAnyRealCellRefusesTheFile() throws IOException {
        String csv = "telefone,nome,obs\n5511987650001,Ana,ok\n5511987650002,Bia,\"" + "x".repeat(70_000) + "\"\n5511987650003,Caio,ok\n";
        assertThatThrownBy(() -> readAll(write("runaway-chars.csv", csv.getBytes(UTF_8))))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("runaway-chars.csv could not be read at row 3: the quoted cell that starts on row 3 runs on "
                        + "for more than 50 lines or 60000 characters");
    }

    /** Real multi-line cells (an address typed with Alt+Enter in Excel) are not mistaken for a runaway quote. */
    @Test
    void aFewLinesInAQuotedCellAreStillOneCell() throws IOException {
        String csv = "telefone,nome,endereco\r\n5511987650001,Ana,\"Rua A, 1\r\nApto 2\r\nCentro\"\r\n5511987650002,Bia,\"x \"\"y\"\"\"\r\n";
        assertThat(readAll(write("multiline.csv", csv.getBytes(UTF_8)))).containsExactly(
                new Row(2, List.of("5511987650001", "Ana", "Rua A, 1\r\nApto 2\r\nCentro")),
                new Row(3, List.of("5511987650002", "Bia", "x \"y\"")));
    }

    /**
     * Excel pt-BR saves ";"; a header "telefone;nome, apelido" has one of each and the first-line count picked ",".
     * The rows split into the header's two columns only with ";".
     */
    @Test
    void theSeparatorIsTheOneThatGivesTheSameColumnsOnTheFirstRows() throws IOException {
        String csv = "telefone;nome, apelido\r\n5511987650001;Ana Souza\r\n5511987650002;Bia Lima\r\n";
        List<Row> rows = readAll(write("excel-ptbr.csv", csv.getBytes(CsvRowReader.WINDOWS_1252)));
        assertThat(rows).containsExactly(new Row(2, List.of("5511987650001", "Ana Souza")), new Row(3, List.of("5511987650002", "Bia Lima")));
    }

    /** "Cidade, UF" splits the same way with "," and ";" on every line: the template's columns settle it. */
    @Test
    void whenBothSeparatorsAreConsistentTheTemplatesColumnsDecide() throws IOException {
        String csv = "telefone;Cidade, UF\r\n5511987650001;São Paulo, SP\r\n5511987650002;Rio de Janeiro, RJ\r\n";
        Path file = write("cidade-uf.csv", csv.getBytes(CsvRowReader.WINDOWS_1252));
        java.util.function.Predicate<List<String>> needsCidadeUf = header -> header.stream().anyMatch(h -> h.equalsIgnoreCase("cidade, uf"));
        try (RowSource source = reader.open(file, "cidade-uf.csv", needsCidadeUf)) {
            assertThat(source.header()).containsExactly("telefone", "Cidade, UF");
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987650001", "São Paulo, SP")),
                    new Row(3, List.of("5511987650002", "Rio de Janeiro, RJ")));
        }
    }

    /** A file separated by | (some ERP exports) lands in one column; the note says which separators were tried. */
    @Test
    void aFileThatReadsAsOneColumnWhenTheTemplateNeedsMoreIsRefusedNamingTheSeparatorsTried() throws IOException {
        Path file = write("pipes.csv", "telefone|nome|pedido\n5511987650001|Ana|1\n".getBytes(UTF_8));
        java.util.function.Predicate<List<String>> needsNome = header -> header.stream().anyMatch(h -> h.equalsIgnoreCase("nome"));
        assertThatThrownBy(() -> readAll(file, needsNome))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("pipes.csv reads as a single column ('telefone|nome|pedido'): Arauto separates columns with a comma, a "
                        + "semicolon or a tab, and tried all three on its first lines. Save it as CSV with commas or semicolons (a "
                        + "file separated by | or ^ cannot be read) and drop it again.");
        // a template that needs only the phone reads it as the one column it is
        assertThat(readAll(file)).containsExactly(new Row(2, List.of("5511987650001|Ana|1")));
    }

    /** Mac Roman (old Mac Excel's "CSV") and DOS 850 (a DOS program's export) spell 'Conceição' with other bytes. */
    @ParameterizedTest
    @ValueSource(strings = {"x-MacRoman", "IBM850"})
    void anotherCodePageIsRefusedRatherThanReadAsMojibake(String charset) throws IOException {
        String csv = "telefone;nome;cidade\r\n5511987650001;Conceição;São Paulo\r\n5511987650002;José;Maceió\r\n5511987650003;Ângela;Brasília\r\n";
        byte[] bytes = csv.getBytes(java.nio.charset.Charset.forName(charset));
        assertThatThrownBy(() -> readAll(write("codepage.csv", bytes)))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("code page Arauto does not read").hasMessageContaining("CSV UTF-8");
        // the same text from Excel's own "CSV (separated by semicolons)" on a Brazilian Windows is read as it is
        assertThat(readAll(write("cp1252.csv", csv.getBytes(CsvRowReader.WINDOWS_1252)))).extracting(r -> r.cell(1))
                .containsExactly("Conceição", "José", "Ângela");
    }

    /** An .xlsx renamed .csv (a user "converting" by renaming): refused as what it is, not as a list of garbled columns. */
    @Test
    void aWorkbookNamedCsvIsRefusedAsAWorkbook() throws IOException {
        Path file = dir.resolve("pedidos.csv");
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook book = new org.apache.poi.xssf.usermodel.XSSFWorkbook();
             java.io.OutputStream out = Files.newOutputStream(file)) {
            book.createSheet("Contatos").createRow(0).createCell(0).setCellValue("telefone");
            book.write(out);
        }
        assertThatThrownBy(() -> readAll(file)).isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("pedidos.csv is not a CSV file: it is an Excel workbook (.xlsx)");
    }

    @Test
    void randomBytesAreRefusedAsBinary() throws IOException {
        byte[] noise = new byte[10_000];
        new java.util.Random(12).nextBytes(noise);
        assertThatThrownBy(() -> readAll(write("noise.csv", noise))).isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("noise.csv is not a CSV file: it holds binary data, not text");
    }

    /** UTF-16 without a byte-order mark (what some .NET and PowerShell exports write): not 't e l e f o n e ' as a column. */
    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE"})
    void utf16WithoutBomIsRefusedInPlainWords(String charset) throws IOException {
        byte[] bytes = "telefone,nome,pedido\r\n5511987650001,Conceição,1\r\n".getBytes(java.nio.charset.Charset.forName(charset));
        assertThatThrownBy(() -> readAll(write("utf16.csv", bytes))).isInstanceOf(UnreadableFileException.class)
                .hasMessage("utf16.csv is saved as UTF-16 text without a byte-order mark; save it as \"CSV UTF-8 (Comma delimited)\" "
                        + "and drop it again.");
    }

    /** One NUL byte in a cell (a copy from a database tool) is a cell's problem, not the file's: the verdict names it. */
    @Test
    void aStrayNulByteIsReadIntoItsCell() throws IOException {
        byte[] bytes = "telefone,nome\n5511987650001,A\u0000na\n".getBytes(UTF_8);
        assertThat(readAll(write("nul.csv", bytes))).containsExactly(new Row(2, List.of("5511987650001", "A\u0000na")));
    }
}
