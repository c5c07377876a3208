package io.arauto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every file Arauto will not take lands in error/ beside a note that says why in plain words,
 * and nothing is left behind in the inbox.
 */
@ExtendWith(OutputCaptureExtension.class)
class RejectedFilesTest extends ArautoTestBase {

    private static final byte[] GOOD = "telefone,nome,pedido,entrega\n5511987001234,Ana,1,hoje\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void fileDirectlyInTheInboxHasNoTemplate() throws Exception {
        assertRejected(drop(null, "solto.csv", GOOD), "no template folder", "pedido_enviado");
    }

    @Test
    void unknownTemplateFolder() throws Exception {
        assertRejected(drop("nao_existe", "pedidos.csv", GOOD), "There is no template named 'nao_existe'");
    }

    @Test
    void misconfiguredTemplateIsExplainedOnTheFile() throws Exception {
        assertRejected(drop("quebrado", "pedidos.csv", GOOD), "misconfigured",
                "the body has 2 placeholder(s) but 'parameters' lists 1 column(s)");
    }

    @Test
    void missingColumnsAreNamed() throws Exception {
        byte[] csv = "telefone,nome\n5511987001235,Ana\n".getBytes(StandardCharsets.UTF_8);
        assertRejected(drop("pedido_enviado", "faltando.csv", csv), "'pedido', 'entrega'", "its columns are 'telefone', 'nome'");
    }

    @Test
    void unreadableWorkbook() throws Exception {
        assertRejected(drop("pedido_enviado", "corrompido.xlsx", "this is not a zip".getBytes(StandardCharsets.UTF_8)),
                "could not be opened as an Excel workbook", "the file is damaged or is not an .xlsx file");
    }

    @Test
    void wrongKindOfFile() throws Exception {
        assertRejected(drop("pedido_enviado", "antigo.xls", GOOD), ".csv or .xlsx");
    }

    @Test
    void emptyFile() throws Exception {
        assertRejected(drop("pedido_enviado", "vazio.csv", new byte[0]), "The file is empty");
    }

    @Test
    void headerWithoutRows() throws Exception {
        assertRejected(drop("pedido_enviado", "so-cabecalho.csv", "telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8)),
                "no rows below it");
    }

    @Test
    void identicalFileWithinTheWindowIsADuplicateButNewContentUnderTheSameNameIsANewCampaign() throws Exception {
        byte[] csv = "telefone,nome,pedido,entrega\n5511987001236,Ana,77,hoje\n".getBytes(StandardCharsets.UTF_8);
        Path first = drop("pedido_enviado", "repetido.csv", csv);
        awaitTaken(first);
        assertThat(archived("repetido")).hasSize(1);

        String campaign = archived("repetido").get(0).getFileName().toString().split("\\.")[1];
        assertRejected(drop("pedido_enviado", "repetido.csv", csv), "byte-for-byte identical", "campaign " + campaign);

        byte[] changed = "telefone,nome,pedido,entrega\n5511987001236,Ana,78,amanhã\n".getBytes(StandardCharsets.UTF_8);
        Path third = drop("pedido_enviado", "repetido.csv", changed);
        awaitTaken(third);
        assertThat(archived("repetido")).hasSize(2);
    }

    @Test
    void rejectedFileDoesNotBlockItsCorrectedCopy() throws Exception {
        byte[] broken = "telefone,nome\n5511987001237,Ana\n".getBytes(StandardCharsets.UTF_8);
        assertRejected(drop("pedido_enviado", "corrigido.csv", broken), "'pedido'");
        byte[] fixed = "telefone,nome,pedido,entrega\n5511987001237,Ana,5,hoje\n".getBytes(StandardCharsets.UTF_8);
        Path again = drop("pedido_enviado", "corrigido.csv", fixed);
        awaitTaken(again);
        assertThat(archived("corrigido")).hasSize(1);
        // the second rejection of a same-named file gets its own name instead of overwriting the first
        assertRejected(drop("pedido_enviado", "corrigido.csv", broken), "'pedido'");
        assertThat(filesUnder(DATA_DIR.resolve("error")).stream().filter(p -> p.getFileName().toString().startsWith("corrigido")
                && p.getFileName().toString().endsWith(".error.txt"))).hasSize(2);
    }

    @Test
    void partialUploadsAndHiddenFilesAreNeverPickedUp() throws Exception {
        Path part = drop("pedido_enviado", "subindo.csv.part", GOOD);
        Path filepart = drop("pedido_enviado", "winscp.csv.filepart", GOOD);
        Path tmp = inbox().resolve("pedido_enviado").resolve("gravando.csv.tmp");
        Files.write(tmp, GOOD);
        Path hidden = drop("pedido_enviado", ".oculto.csv", GOOD);
        // a real file dropped after them is taken, so the poller has looked at the folder since
        Path real = drop("pedido_enviado", "real.csv", "telefone,nome,pedido,entrega\n5511987001238,Ana,9,hoje\n".getBytes(StandardCharsets.UTF_8));
        awaitTaken(real); // the poller lists a folder whole, so it has seen the others too
        assertThat(List.of(part, filepart, tmp, hidden)).allMatch(Files::exists);
        Files.delete(part);
        Files.delete(filepart);
        Files.delete(tmp);
        Files.delete(hidden);
    }

    // ---- issue 12: a file that fails half-way, and headers that cannot be trusted ----

    @Autowired
    JdbcTemplate jdbc;

    /**
     * 3,000 good rows, then a quote opened on row 3,002 that runs on for 60 lines (a script that wrote 'a,"b'): three batches
     * are in the ledger when the reader stops. The file is refused whole, naming the row, and none of it is sent.
     */
    @Test
    void aCsvThatFailsHalfWayIsRefusedWholeAndNothingOfItIsSent() throws Exception {
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < 3_000; i++) {
            csv.append("551198601").append(String.format("%04d", i)).append(",Ana,").append(i).append(",hoje\n");
        }
        csv.append("5511986019999,\"Bia,9,hoje\n");
        for (int i = 0; i < 60; i++) {
            csv.append("5511986029").append(String.format("%03d", i)).append(",Caio,").append(i).append(",hoje\n");
        }
        Path file = drop("pedido_enviado", "meio-texto.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertRejected(file, "meio-texto.csv could not be read at row 3002: the quoted cell that starts on row 3002 runs on");
        assertNothingOfItSent("pedido_enviado/meio-texto.csv", "5511986010000", "5511986012999");
        // its status files were being written as its rows were judged: none put in place, the temporary files deleted
        await().atMost(Duration.ofSeconds(10)).until(() -> filesUnder(inbox().resolveSibling("outbox")).stream()
                .map(p -> p.getFileName().toString()).noneMatch(name -> name.contains("meio-texto.")));
    }

    /**
     * The case: the zip-bomb guard trips half-way through a workbook (here 20 MB of padding after row 3,001, which
     * unpacks 1000 to 1). Refused whole, naming where it stopped; none of its 3,000 rows is sent.
     */
    @Test
    void anXlsxThatFailsHalfWayIsRefusedWholeAndNothingOfItIsSent() throws Exception {
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook book = new org.apache.poi.xssf.usermodel.XSSFWorkbook()) {
            var sheet = book.createSheet("Pedidos");
            String[] names = {"telefone", "nome", "pedido", "entrega"};
            var header = sheet.createRow(0);
            for (int c = 0; c < names.length; c++) {
                header.createCell(c).setCellValue(names[c]);
            }
            for (int i = 1; i <= 3_000; i++) {
                var row = sheet.createRow(i);
                row.createCell(0).setCellValue(5511986100000d + i);
                row.createCell(1).setCellValue("Ana");
                row.createCell(2).setCellValue(i);
                row.createCell(3).setCellValue("hoje");
            }
            book.write(plain);
        }
        byte[] bomb = rewriteZipPart(plain.toByteArray(), "xl/worksheets/sheet1.xml",
                xml -> xml.replace("</sheetData>", "<!--" + " ".repeat(20_000_000) + "-->"
                        + "<row r=\"3002\"><c r=\"A3002\"><v>5511986103002</v></c></row></sheetData>"));
        Path file = drop("pedido_enviado", "meio-planilha.xlsx", bomb);
        assertRejected(file, "meio-planilha.xlsx could not be read after row 3001: it unpacks to far more data than its size suggests");
        assertNothingOfItSent("pedido_enviado/meio-planilha.xlsx", "5511986100001", "5511986103000");
    }

    /** The campaign had been opened (so rows were being written) and is rejected with no message left; nobody got one. */
    private void assertNothingOfItSent(String file, String... phones) {
        List<Long> campaigns = jdbc.queryForList("select campaign_id from audit where event = 'file_rejected' and detail like ?",
                Long.class, "%\"" + file + "\"%");
        assertThat(campaigns).hasSize(1).doesNotContainNull(); // rejected once, after its campaign was opened: half-way
        long campaign = campaigns.get(0);
        assertThat(jdbc.queryForObject("select status from campaign where id = ?", String.class, campaign)).isEqualTo("REJECTED");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, campaign)).isZero();
        for (String phone : phones) {
            assertThat(requestsTo(phone)).as("requests to %s", phone).isEmpty();
        }
    }

    private static byte[] rewriteZipPart(byte[] zip, String part, java.util.function.UnaryOperator<String> change) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip));
             var rewritten = new java.util.zip.ZipOutputStream(out)) {
            for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals(part)) {
                    bytes = change.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                rewritten.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                rewritten.write(bytes);
                rewritten.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Excel pt-BR: a "nome" column added again at the right instead of the old one being edited. */
    @Test
    void twoColumnsWithTheNameTheTemplateReadsAreRefused() throws Exception {
        byte[] csv = "telefone;nome;pedido;entrega;nome\r\n5511986200001;Ana;1;hoje;Ana Souza\r\n".getBytes(StandardCharsets.UTF_8);
        assertPlainNote(drop("pedido_enviado", "dois-nomes.csv", csv),
                "Columns 2 and 5 have the same name, 'nome', which the template reads from; Arauto cannot tell which one is meant.");
    }

    /** A sheet whose header row was filled out to column 10,000 (a formula dragged across): refused, not an error of Arauto's. */
    @Test
    void aHeaderOfTenThousandColumnsIsRefusedInPlainWords() throws Exception {
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega");
        for (int i = 4; i < 10_000; i++) {
            csv.append(",coluna").append(i);
        }
        csv.append("\n5511986200002,Ana,1,hoje\n");
        assertPlainNote(drop("pedido_enviado", "largo.csv", csv.toString().getBytes(StandardCharsets.UTF_8)),
                "The header has 10000 columns; Arauto takes files of up to 1000 columns.");
    }

    /** Two rows numbered 3 (a faulty XML writer): once a ledger key violation with an opaque note. */
    @Test
    void anXlsxWithARowNumberTwiceIsRefusedInPlainWords() throws Exception {
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook book = new org.apache.poi.xssf.usermodel.XSSFWorkbook()) {
            var sheet = book.createSheet("Pedidos");
            String[][] rows = {{"telefone", "nome", "pedido", "entrega"}, {"5511986200003", "Ana", "1", "hoje"},
                    {"5511986200004", "Bia", "2", "hoje"}, {"5511986200005", "Caio", "3", "hoje"}};
            for (int r = 0; r < rows.length; r++) {
                var row = sheet.createRow(r);
                for (int c = 0; c < 4; c++) {
                    row.createCell(c).setCellValue(rows[r][c]);
                }
            }
            book.write(plain);
        }
        byte[] twice = rewriteZipPart(plain.toByteArray(), "xl/worksheets/sheet1.xml", xml -> xml.replace("<row r=\"4\"", "<row r=\"3\""));
        Path file = drop("pedido_enviado", "linha-repetida.xlsx", twice);
        assertPlainNote(file, "linha-repetida.xlsx could not be read at row 3: the sheet has row 3 twice");
        assertThat(requestsTo("5511986200003")).isEmpty();
    }

    /**
     * A file saved without its header row: the note lists the columns it found, which are the first row's cells, a phone
     * among them. The note may quote the user's own file; the log line that says the file was refused masks the phone.
     */
    @Test
    void aRefusalsLogLineMasksThePhonesItsReasonQuotes(CapturedOutput output) throws Exception {
        byte[] csv = "5511986500001,Ana,1,hoje\n5511986500002,Bia,2,hoje\n".getBytes(StandardCharsets.UTF_8);
        assertRejected(drop("pedido_enviado", "sem-cabecalho.csv", csv), "its columns are '5511986500001', 'Ana', '1', 'hoje'");
        assertThat(output.getAll()).contains("sem-cabecalho.csv rejected").contains("551198***0001")
                .doesNotContain("5511986500001");
    }

    /** The note says it, names no exception and sends nobody to a log. */
    private static void assertPlainNote(Path file, String reason) throws IOException {
        assertRejected(file, reason);
        String base = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        String note = Files.readString(newestNote(DATA_DIR.resolve("error"), file.getFileName().toString()));
        assertThat(note).as("the note of %s", base).doesNotContain("Exception").doesNotContainIgnoringCase(" log")
                .doesNotContain("unexpected error");
    }

    private static void assertRejected(Path file, String... explanation) throws IOException {
        awaitTaken(file);
        String name = file.getFileName().toString();
        Path errorDir = DATA_DIR.resolve("error");
        Path note = await().atMost(Duration.ofSeconds(10)).until(() -> newestNote(errorDir, name), p -> p != null);
        String text = Files.readString(note);
        // the note names the file as it was dropped, under the inbox
        assertThat(text).startsWith(inbox().relativize(file).toString().replace('\\', '/') + " was not taken.");
        for (String part : explanation) {
            assertThat(text).contains(part);
        }
        Path moved = note.resolveSibling(note.getFileName().toString().replaceFirst("\\.error\\.txt$", ""));
        assertThat(moved).exists();
        assertThat(filesUnder(inbox()).stream().filter(p -> p.getFileName().toString().equals(name))).isEmpty();
    }

    private static Path newestNote(Path errorDir, String name) throws IOException {
        String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return filesUnder(errorDir).stream()
                .filter(p -> p.getFileName().toString().startsWith(base) && p.getFileName().toString().endsWith(".error.txt"))
                .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElse(null);
    }

    private static List<Path> archived(String base) throws IOException {
        return filesUnder(DATA_DIR.resolve("archive")).stream().filter(p -> p.getFileName().toString().startsWith(base + ".")).toList();
    }
}
