import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes the benchmark's input: the same rows as a CSV and as an XLSX for template
 * {@code pedido_enviado} (telefone, nome, pedido, entrega), and a CRM database with an opt-out
 * table. Rows are drawn from a fixed seed, so every run of the generator writes the same files.
 *
 * <pre>java -Xmx2g -cp "$CLASSPATH" bench/src/GenerateBenchData.java bench/out 1000000 1000000</pre>
 *
 * What the rows hold (each verdict is decided here, so the expected counts are exact):
 * <ul>
 *   <li>~5% invalid phones: too short, area codes that do not exist, scientific notation, words, empty;</li>
 *   <li>~0.5% valid phones with an empty name (INVALID for the template);</li>
 *   <li>~3% repeats of an earlier valid number, written in another format (DUPLICATE);</li>
 *   <li>~2% of the distinct numbers are also in the CRM opt-out table (OPTED_OUT);</li>
 *   <li>the rest are distinct mobiles (and ~3% landlines) in mixed formats: "(11) 98765-4321",
 *       "5511987654321", "+55 21 99876-5432", "11987654321", "011987654321", "+55 (11) 98765-4321".</li>
 * </ul>
 * In the XLSX, phones written only with digits are numeric cells, the order number is a numeric
 * cell and the delivery date is a date cell formatted dd/mm/yyyy; text is in the shared-strings
 * table, as Excel writes it. The CRM keeps its phones as "+55 (11) 98765-4321", a format the
 * spreadsheet never uses, so matching works only through normalisation.
 */
public final class GenerateBenchData {

    private static final long SEED = 20261225L;
    /** Every area code (DDD) libphonenumber accepts for Brazilian mobiles. */
    private static final int[] DDD = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
            41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79,
            81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99};
    private static final String[] FIRST = {"Ana", "João", "José", "Maria", "Conceição", "Antônio", "Márcia", "Luís", "Sebastião",
            "Fátima", "Zé", "Cláudia", "Inês", "Raí", "Lúcia", "Vinícius", "Júlia", "Letícia", "Caetano", "Gisele", "Joaquim",
            "Beatriz", "André", "Mônica", "Pedro", "Tânia", "Estêvão", "Ângela", "Heitor", "Íris", "Otávio", "Bárbara"};
    private static final String[] LAST = {"Souza", "Araújo", "da Conceição", "Magalhães", "Simões", "Guimarães", "Brandão",
            "Gonçalves", "Lima", "Ribeiro", "Assunção", "Falcão", "Lopes", "Muñoz", "Estevão", "dos Santos", "Pereira",
            "Camões", "Nóbrega", "Amâncio", "Grünewald", "D'Ávila", "Sant'Anna", "Conrado", "Gusmão", "Mendonça"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    private GenerateBenchData() {
    }

    /** One generated row, as the CSV and the XLSX both write it. */
    private record Line(String phone, boolean numericInXlsx, String name, int order, LocalDate delivery) { }

    public static void main(String[] args) throws IOException, SQLException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/out");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int optOuts = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Files.createDirectories(out);

        Random random = new Random(SEED);
        Line[] lines = new Line[rows];
        long[] valid = new long[rows]; // national numbers (DDD + subscriber) of earlier valid rows, for duplicates
        int validCount = 0;
        long[] crmFromSheet = new long[rows];
        int crmFromSheetCount = 0;
        long nextFresh = 0;
        int invalidPhone = 0, invalidName = 0, duplicate = 0, optedOut = 0, queued = 0;
        LocalDate today = LocalDate.of(2026, 12, 1);
        for (int i = 0; i < rows; i++) {
            double p = random.nextDouble();
            String name = name(random);
            int order = 100_000 + i;
            LocalDate delivery = today.plusDays(random.nextInt(30));
            if (p < 0.05) {
                lines[i] = invalidPhone(random, name, order, delivery);
                invalidPhone++;
            } else if (p < 0.08 && validCount > 0) {
                long national = valid[random.nextInt(validCount)];
                lines[i] = formatted(random, national, name, order, delivery);
                duplicate++;
            } else if (p < 0.085) {
                long national = fresh(nextFresh++, random.nextDouble() < 0.03);
                lines[i] = formatted(random, national, "", order, delivery); // valid phone, empty name: INVALID
                invalidName++;
            } else {
                long national = fresh(nextFresh++, random.nextDouble() < 0.03);
                lines[i] = formatted(random, national, name, order, delivery);
                valid[validCount++] = national;
                if (random.nextDouble() < 0.02) {
                    crmFromSheet[crmFromSheetCount++] = national;
                    optedOut++;
                } else {
                    queued++;
                }
            }
        }

        writeCsv(out.resolve("pedidos-1m.csv"), lines);
        writeXlsx(out.resolve("pedidos-1m.xlsx"), lines);
        int unreadable = writeCrm(out.resolve("crm"), crmFromSheet, crmFromSheetCount, nextFresh, optOuts, random);

        String expected = String.join(System.lineSeparator(),
                "rows=" + rows,
                "queued=" + queued,
                "invalid=" + (invalidPhone + invalidName),
                "duplicate=" + duplicate,
                "opted_out=" + optedOut,
                "crm_entries=" + optOuts,
                "crm_unreadable=" + unreadable,
                "");
        Files.writeString(out.resolve("expected.properties"), expected);
        System.out.print(expected);
    }

    /**
     * The k-th distinct number: a mobile (DDD + 9 + 8 digits) or a landline (DDD + [2-5] + 7 digits).
     * k is scrambled by a bijection over all area codes and subscriber numbers, so neighbouring rows
     * look unrelated while no two k ever give the same number.
     */
    private static long fresh(long k, boolean landline) {
        long subscribers = landline ? 40_000_000L : 100_000_000L;
        long m = Math.floorMod(k * 2_654_435_761L + 13_579_246L, DDD.length * subscribers); // the factor is prime to 67 * 10^8
        int ddd = DDD[(int) (m / subscribers)];
        long sub = m % subscribers;
        return landline ? ddd * 100_000_000L + 20_000_000L + sub : ddd * 1_000_000_000L + 900_000_000L + sub;
    }

    private static Line formatted(Random random, long national, String name, int order, LocalDate delivery) {
        String digits = Long.toString(national);
        String ddd = digits.substring(0, 2);
        String local = digits.substring(2);
        String dashed = local.substring(0, local.length() - 4) + "-" + local.substring(local.length() - 4);
        return switch (random.nextInt(7)) {
            case 0, 1 -> new Line("(" + ddd + ") " + dashed, false, name, order, delivery);
            case 2 -> new Line("55" + digits, true, name, order, delivery);
            case 3 -> new Line("+55 " + ddd + " " + dashed, false, name, order, delivery);
            case 4 -> new Line(digits, true, name, order, delivery);
            case 5 -> new Line("0" + digits, false, name, order, delivery); // trunk prefix, kept as text
            default -> new Line(" +55 (" + ddd + ") " + dashed + " ", false, name, order, delivery);
        };
    }

    private static Line invalidPhone(Random random, String name, int order, LocalDate delivery) {
        String number = String.format("%04d-%04d", random.nextInt(10_000), random.nextInt(10_000));
        return switch (random.nextInt(6)) {
            case 0 -> new Line(Integer.toString(10_000 + random.nextInt(90_000)), true, name, order, delivery); // too short
            case 1 -> new Line("(20) 9" + number, false, name, order, delivery); // no such area code
            case 2 -> new Line("5.51199E+12", false, name, order, delivery); // a spreadsheet ate the digits
            case 3 -> new Line("sem telefone", false, name, order, delivery);
            case 4 -> new Line("11 9" + number.substring(0, 8), false, name, order, delivery); // a digit short
            default -> new Line("", false, name, order, delivery);
        };
    }

    private static String name(Random random) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String name = random.nextInt(3) == 0 ? first + " " + FIRST[random.nextInt(FIRST.length)] + " " + last : first + " " + last;
        return random.nextInt(20) == 0 ? name.toUpperCase(java.util.Locale.ROOT) : name;
    }

    private static void writeCsv(Path file, Line[] lines) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("telefone,nome,pedido,entrega\r\n");
            for (Line l : lines) {
                out.write(quoted(l.phone) + "," + quoted(l.name) + "," + l.order + "," + DAY.format(l.delivery) + "\r\n");
            }
        }
    }

    private static String quoted(String cell) {
        return cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.startsWith(" ") ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }

    private static void writeXlsx(Path file, Line[] lines) throws IOException {
        // shared strings as Excel writes them; the table is kept in memory, hence -Xmx2g for the generator
        try (SXSSFWorkbook book = new SXSSFWorkbook(new XSSFWorkbook(), 1000, true, true);
             OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            SXSSFSheet sheet = book.createSheet("Pedidos");
            var header = sheet.createRow(0);
            String[] names = {"telefone", "nome", "pedido", "entrega"};
            for (int c = 0; c < names.length; c++) {
                header.createCell(c).setCellValue(names[c]);
            }
            for (int i = 0; i < lines.length; i++) {
                Line l = lines[i];
                var row = sheet.createRow(i + 1);
                if (l.numericInXlsx) {
                    row.createCell(0).setCellValue(Double.parseDouble(l.phone));
                } else {
                    row.createCell(0).setCellValue(l.phone);
                }
                row.createCell(1).setCellValue(l.name);
                row.createCell(2).setCellValue(l.order);
                var cell = row.createCell(3);
                cell.setCellValue(l.delivery);
                cell.setCellStyle(date);
            }
            book.write(out);
            book.dispose();
        }
    }

    /**
     * The CRM's opt-out table: the sheet's opted-out numbers plus numbers the sheet never has, up to
     * {@code total} entries, a few of them unreadable, all as "+55 (11) 98765-4321".
     */
    private static int writeCrm(Path dir, long[] fromSheet, int fromSheetCount, long nextFresh, int total, Random random)
            throws IOException, SQLException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("crm.mv.db"));
        Files.deleteIfExists(dir.resolve("crm.trace.db"));
        int unreadable = 0;
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("crm");
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            try (Statement s = db.createStatement()) {
                s.execute("create table optout_whatsapp (id bigint generated by default as identity primary key, "
                        + "telefone varchar(40), desde date not null)");
            }
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement("insert into optout_whatsapp (telefone, desde) values (?, ?)")) {
                int sheetLeft = fromSheetCount;
                long other = nextFresh + 1_000; // beyond every number the sheet uses
                for (int i = 0; i < total; i++) {
                    String phone;
                    // spread the sheet's numbers through the table instead of putting them first
                    if (sheetLeft > 0 && random.nextInt(total - i) < sheetLeft) {
                        phone = crmFormat(fromSheet[--sheetLeft]);
                    } else if (random.nextInt(1000) == 0) {
                        phone = random.nextBoolean() ? "não informado" : null;
                        unreadable++;
                    } else {
                        phone = crmFormat(fresh(other++, random.nextDouble() < 0.03));
                    }
                    insert.setString(1, phone);
                    insert.setObject(2, LocalDate.of(2020, 1, 1).plusDays(random.nextInt(2000)));
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
                insert.executeBatch();
                db.commit();
            }
        }
        return unreadable;
    }

    private static String crmFormat(long national) {
        String digits = Long.toString(national);
        String local = digits.substring(2);
        return "+55 (" + digits.substring(0, 2) + ") " + local.substring(0, local.length() - 4) + "-" + local.substring(local.length() - 4);
    }
}
