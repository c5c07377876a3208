package io.arauto.read;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * A rough throughput check run by hand, not a unit test. Generate once, then read with a small heap:
 * <pre>
 * java -cp ... io.arauto.read.ReadThroughput generate /tmp/big.csv 1000000
 * java -cp ... io.arauto.read.ReadThroughput generate /tmp/big.xlsx 1000000
 * java -Xmx256m -cp ... io.arauto.read.ReadThroughput read /tmp/big.csv
 * </pre>
 * ({@code mvn dependency:build-classpath} gives the classpath; add target/classes and target/test-classes.)
 */
public final class ReadThroughput {

    private ReadThroughput() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[1]);
        if (args[0].equals("generate")) {
            int rows = Integer.parseInt(args[2]);
            if (file.toString().endsWith(".csv")) {
                generateCsv(file, rows);
            } else {
                generateXlsx(file, rows);
            }
            System.out.printf("wrote %s: %d rows, %,d bytes%n", file, rows, Files.size(file));
            return;
        }
        SpreadsheetReaders readers = new SpreadsheetReaders(new CsvRowReader(), new XlsxRowReader());
        long start = System.nanoTime();
        long rows = 0;
        long chars = 0;
        try (RowSource source = readers.open(file, file.getFileName().toString())) {
            while (source.hasNext()) {
                Row row = source.next();
                rows++;
                chars += row.phone().length(); // touch the row so nothing is optimised away
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // finishing at all under -Xmx is the memory check; add -Xlog:gc to see the heap after each collection
        System.out.printf("read %s: %,d rows in %.2f s = %,.0f rows/s (%d phone chars) with a %d MB heap%n",
                file, rows, seconds, rows / seconds, chars, Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void generateCsv(Path file, int rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("telefone;nome;pedido;vencimento\r\n");
            for (int i = 0; i < rows; i++) {
                out.write(phone(i) + ";Cliente " + i + " da Conceição;" + (100_000 + i) + ";25/12/2026\r\n");
            }
        }
    }

    /** Shared strings, as Excel and LibreOffice write them: one distinct name per row. */
    private static void generateXlsx(Path file, int rows) throws IOException {
        try (SXSSFWorkbook book = new SXSSFWorkbook(new XSSFWorkbook(), 1000, true, true);
             OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            var sheet = book.createSheet("Contatos");
            var header = sheet.createRow(0);
            String[] names = {"telefone", "nome", "pedido", "vencimento"};
            for (int c = 0; c < names.length; c++) {
                header.createCell(c).setCellValue(names[c]);
            }
            LocalDate due = LocalDate.of(2026, 12, 25);
            for (int i = 0; i < rows; i++) {
                var row = sheet.createRow(i + 1);
                row.createCell(0).setCellValue(Double.parseDouble(phone(i)));
                row.createCell(1).setCellValue("Cliente " + i + " da Conceição");
                row.createCell(2).setCellValue(100_000 + i);
                row.createCell(3).setCellValue(due);
                row.getCell(3).setCellStyle(date);
            }
            book.write(out);
            book.dispose();
        }
    }

    private static String phone(int i) {
        return "55" + (11 + i % 89) + "9" + String.format("%08d", i);
    }
}
