package io.arauto.read;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpreadsheetReadersTest {

    @TempDir
    Path dir;

    private final SpreadsheetReaders readers = new SpreadsheetReaders(new CsvRowReader(), new XlsxRowReader());

    @Test
    void picksTheReaderByExtensionWhateverItsCase() throws IOException {
        Path csv = Files.write(dir.resolve("upload-1"), "phone;name\n5511987654321;Ana\n".getBytes(UTF_8));
        try (RowSource source = readers.open(csv, "Pedidos.CSV")) {
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321", "Ana")));
        }
        Path xlsx = workbook(dir.resolve("upload-2"));
        try (RowSource source = readers.open(xlsx, "Pedidos.XLSX")) {
            assertThat(source.header()).containsExactly("phone");
            assertThat(Rows.all(source)).containsExactly(new Row(2, List.of("5511987654321")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders.xls", "orders.txt", "orders.ods", "orders", "orders.csv.zip"})
    void otherFileNamesAreRefusedInPlainWords(String fileName) throws IOException {
        Path file = Files.write(dir.resolve("upload"), "phone\n5511987654321\n".getBytes(UTF_8));
        assertThatThrownBy(() -> readers.open(file, fileName))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage(fileName + " is not a .csv or .xlsx file; save it as CSV UTF-8 or Excel Workbook (.xlsx)");
    }

    @Test
    void corruptXlsxIsUnreadable() throws IOException {
        Path file = Files.write(dir.resolve("upload"), "phone,name\n5511987654321,Ana\n".getBytes(UTF_8));
        assertThatThrownBy(() -> readers.open(file, "orders.xlsx"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("orders.xlsx could not be opened as an Excel workbook: the file is damaged or is not an .xlsx file");
    }

    @Test
    void truncatedXlsxIsUnreadable() throws IOException {
        byte[] whole = Files.readAllBytes(workbook(dir.resolve("whole.xlsx")));
        Path file = Files.write(dir.resolve("upload"), Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> readers.open(file, "orders.xlsx"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("orders.xlsx could not be opened as an Excel workbook: the file is damaged or is not an .xlsx file");
    }

    @Test
    void passwordProtectedXlsxIsUnreadable() throws Exception {
        Path file = dir.resolve("upload");
        try (POIFSFileSystem fs = new POIFSFileSystem(); XSSFWorkbook book = new XSSFWorkbook()) {
            book.createSheet("Contatos").createRow(0).createCell(0).setCellValue("phone");
            Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword("segredo");
            try (OutputStream out = encryptor.getDataStream(fs)) {
                book.write(out);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                fs.writeFilesystem(out);
            }
        }
        assertThatThrownBy(() -> readers.open(file, "orders.xlsx"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("orders.xlsx could not be opened as an Excel workbook: it is password-protected or in the old"
                        + " .xls format; save it as Excel Workbook (.xlsx) without a password");
    }

    @Test
    void zeroByteCsvHasEmptyHeader() throws IOException {
        try (RowSource source = readers.open(Files.createFile(dir.resolve("upload")), "orders.csv")) {
            assertThat(source.header()).isEmpty();
            assertThat(source.hasNext()).isFalse();
        }
    }

    private static Path workbook(Path file) throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            var sheet = book.createSheet("Contatos");
            sheet.createRow(0).createCell(0).setCellValue("phone");
            sheet.createRow(1).createCell(0).setCellValue(5511987654321d);
            book.write(out);
        }
        return file;
    }
}
