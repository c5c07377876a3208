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
}
