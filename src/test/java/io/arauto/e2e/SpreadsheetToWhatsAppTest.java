package io.arauto.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;

import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spine, end to end through the real routes: a spreadsheet dropped in the inbox ends as
 * requests to the Cloud API (WireMock) and a status file in the outbox, every row accounted for.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpreadsheetToWhatsAppTest extends ArautoTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    OptOutList optOuts;

    @BeforeAll
    static void cloudApi() {
        // Meta refuses one number for good
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", com.github.tomakehurst.wiremock.client.WireMock.equalTo("5521981112222")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Message Undeliverable.\",\"type\":\"OAuthException\",\"code\":131026,"
                                + "\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"Receiver is incapable of receiving this message\"},"
                                + "\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}")));
    }

    @Test
    void windows1252SemicolonCsvGoesOutAndComesBackAsStatusLines(CapturedOutput log) throws Exception {
        optOuts.optOut("+5531988881111", OptOutSource.OPERATOR, "asked in the shop", java.time.Instant.now());
        String csv = String.join("\r\n",
                "Telefone;Nome;Pedido;Entrega;Cidade",
                "(11) 98765-4321;João Conceição;1001;25/12/2026;São Paulo",
                "11987654321;João de novo;1002;26/12/2026;São Paulo",
                "5.51199E+12;Maria;1003;27/12/2026;Campinas",
                "(11) 97777-6666;Optou pelo CRM;1004;28/12/2026;Santos",
                "21 99876-5432;;1005;29/12/2026;Rio",
                ";Sem telefone;1006;30/12/2026;Rio",
                "+55 31 98888-1111;Ângela;1007;31/12/2026;BH",
                "(21) 98111-2222;Recusado;1008;01/01/2027;Niterói",
                "");
        Path file = drop("pedido_enviado", "pedidos-1252.csv", csv.getBytes(Charset.forName("windows-1252")));
        awaitTaken(file);

        List<CsvRecord> lines = settledReport("pedidos-1252");
        assertThat(lines.get(0).getFields()).containsExactly("row", "phone", "phone_e164", "status", "reason", "error_code",
                "message_id", "updated_at", "Telefone", "Nome", "Pedido", "Entrega", "Cidade");
        Map<Integer, CsvRecord> byRow = byRow(lines);
        assertThat(byRow).hasSize(8);
        assertLine(byRow.get(2), "+5511987654321", "SENT", "", wamidAnsweredTo("5511987654321"));
        assertThat(byRow.get(2).getField(9)).isEqualTo("João Conceição");
        assertThat(byRow.get(2).getField(12)).isEqualTo("São Paulo");
        assertLine(byRow.get(3), "+5511987654321", "DUPLICATE", "The same number is on row 2.", "");
        assertLine(byRow.get(4), "", "INVALID", "scientific notation", "");
        assertLine(byRow.get(5), "+5511977776666", "OPTED_OUT", "CRM opt-out list", "");
        assertLine(byRow.get(6), "+5521998765432", "INVALID", "Column 'Nome' is empty", "");
        assertLine(byRow.get(7), "", "INVALID", "The phone is empty.", "");
        assertLine(byRow.get(8), "+5531988881111", "OPTED_OUT", "Arauto opt-out list", "");
        assertLine(byRow.get(9), "+5521981112222", "FAILED", "Message Undeliverable.", "");
        assertThat(byRow.get(9).getField(5)).isEqualTo("131026");
        assertThat(byRow.get(9).getField(4)).contains("Receiver is incapable of receiving this message");

        Map<String, JsonNode> sent = requestsByRecipient();
        assertThat(withoutCallbackData(sent.get("5511987654321"))).isEqualTo(JSON.readTree("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                 "template":{"name":"pedido_enviado","language":{"code":"pt_BR"},"components":[
                   {"type":"body","parameters":[{"type":"text","text":"João Conceição"},{"type":"text","text":"1001"},
                                                {"type":"text","text":"25/12/2026"}]}]}}"""));
        assertThat(sent).containsKey("5521981112222");
        assertThat(sent).doesNotContainKeys("5511977776666", "5521998765432", "5531988881111");
        assertThat(countRequestsTo("5511987654321")).isEqualTo(1);

        assertThat(log.getAll()).doesNotContain(TOKEN).doesNotContain("5521981112222").doesNotContain("98111-2222")
                .contains("+55219****2222") // the refused number, masked
                .contains("campaign").contains("8 rows");
    }

    @Test
    void utf8BomCsvWithQuotedQuotesAndLineBreaksFillsNamedParametersHeaderAndButton() throws Exception {
        String csv = String.join("\n",
                "phone,nome,valor,vencimento,boleto,codigo",
                "5511912345678,\"Ana \"\"Aninha\"\" Souza\",\"R$ 1.234,56\",10/01/2027,https://x.example/b1.pdf,ABC123",
                "5511923456789,\"Bruno",
                "Lima\",R$ 10,10/01/2027,https://x.example/b2.pdf,DEF456",
                "5511934567890,Carla,R$ 20,10/01/2027,http://x.example/b3.pdf,GHI789",
                "",
                "5511945678901,Dani     Cinco,R$ 30,10/01/2027,https://x.example/b4.pdf,JKL012",
                "5511956789012,Edu,R$ 40,10/01/2027,https://x.example/b5.pdf,MNO345",
                "");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path file = drop("fatura", "faturas-bom.csv", concat(bom, csv.getBytes(StandardCharsets.UTF_8)));
        awaitTaken(file);

        List<CsvRecord> lines = settledReport("faturas-bom");
        assertThat(lines.get(0).getField(8)).isEqualTo("phone"); // the BOM is not part of the first header
        Map<Integer, CsvRecord> byRow = byRow(lines);
        assertThat(byRow.keySet()).containsExactlyInAnyOrder(2, 3, 4, 6, 7);
        assertLine(byRow.get(2), "+5511912345678", "SENT", "", wamidAnsweredTo("5511912345678"));
        assertThat(byRow.get(2).getField(9)).isEqualTo("Ana \"Aninha\" Souza");
        assertLine(byRow.get(3), "+5511923456789", "INVALID", "line break", "");
        assertThat(byRow.get(3).getField(9)).isEqualTo("Bruno\nLima");
        assertLine(byRow.get(4), "+5511934567890", "INVALID", "https://", "");
        assertLine(byRow.get(6), "+5511945678901", "INVALID", "more than 4 spaces", "");
        assertLine(byRow.get(7), "+5511956789012", "SENT", "", wamidAnsweredTo("5511956789012"));

        Map<String, JsonNode> sent = requestsByRecipient();
        assertThat(withoutCallbackData(sent.get("5511912345678"))).isEqualTo(JSON.readTree("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511912345678","type":"template",
                 "template":{"name":"fatura","language":{"code":"pt_BR"},"components":[
                   {"type":"header","parameters":[{"type":"document","document":{"link":"https://x.example/b1.pdf"}}]},
                   {"type":"body","parameters":[
                      {"type":"text","parameter_name":"nome","text":"Ana \\"Aninha\\" Souza"},
                      {"type":"text","parameter_name":"valor","text":"R$ 1.234,56"},
                      {"type":"text","parameter_name":"vencimento","text":"10/01/2027"}]},
                   {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"ABC123"}]}]}}"""));
        assertThat(sent).containsKey("5511956789012");
        assertThat(sent).doesNotContainKeys("5511923456789", "5511934567890", "5511945678901");
    }

    @Test
    void xlsxWithNumericPhonesDatesAndFormulaLookingTextIsSentAsDisplayed() throws Exception {
        Path file = drop("pedido_enviado", "pedidos.xlsx", workbook());
        awaitTaken(file);

        List<CsvRecord> lines = settledReport("pedidos");
        Map<Integer, CsvRecord> byRow = byRow(lines);
        assertThat(byRow.keySet()).containsExactlyInAnyOrder(2, 3, 4, 5);
        assertLine(byRow.get(2), "+5511987650001", "SENT", "", wamidAnsweredTo("5511987650001"));
        assertThat(byRow.get(2).getField(1)).isEqualTo("5511987650001");
        assertLine(byRow.get(3), "+5511987650002", "SENT", "", wamidAnsweredTo("5511987650002"));
        assertThat(byRow.get(3).getField(9)).isEqualTo("'=HYPERLINK(\"http://evil.example\",\"clique\")"); // inert in the report
        assertLine(byRow.get(4), "", "INVALID", "scientific notation", "");
        assertLine(byRow.get(5), "+5511987650001", "DUPLICATE", "row 2", "");

        Map<String, JsonNode> sent = requestsByRecipient();
        JsonNode params = sent.get("5511987650001").at("/template/components/0/parameters");
        assertThat(params.findValuesAsText("text")).containsExactly("Fulano", "1001", "25/12/2026");
        assertThat(sent.get("5511987650002").at("/template/components/0/parameters/0/text").asText())
                .isEqualTo("=HYPERLINK(\"http://evil.example\",\"clique\")");
        assertThat(countRequestsTo("5511987650001")).isEqualTo(1);

        Path xlsx = DATA_DIR.resolve("outbox").resolve(reportName("pedidos").replace(".csv", ".xlsx"));
        try (XSSFWorkbook report = new XSSFWorkbook(Files.newInputStream(xlsx))) {
            Sheet sheet = report.getSheetAt(0);
            assertThat(sheet.getLastRowNum()).as("the header and a line for each of rows 2 to 5").isEqualTo(4);
            Row line = StreamSupport.stream(sheet.spliterator(), false)
                    .filter(r -> r.getCell(0).getCellType() == CellType.NUMERIC && r.getCell(0).getNumericCellValue() == 3)
                    .findFirst().orElseThrow();
            // a text cell, which Excel shows and never runs, holding the text exactly as typed (no ' as in the CSV)
            assertThat(line.getCell(9).getCellType()).isEqualTo(CellType.STRING);
            assertThat(line.getCell(9).getStringCellValue()).isEqualTo("=HYPERLINK(\"http://evil.example\",\"clique\")");
        }
    }

    /**
     * Cells that must never reach a customer, in a workbook as Excel saves it: a VLOOKUP that found nothing
     * ({@code t="e"}, {@code #N/A}), a division by an empty cell ({@code #DIV/0!}); and phones as other programs
     * write them: "11987652077.0" as pandas writes a column with gaps to CSV, pasted in as text (sent), a toll-free
     * 0800 number (not).
     */
    @Test
    void errorValuesAndControlCharactersAreInvalidAndPandasPhonesAreSent() throws Exception {
        byte[] xlsx;
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = book.createSheet("Pedidos");
            String[][] rows = {{"telefone", "nome", "pedido", "entrega"},
                    {"5511986300001", "Ana", "2001", "hoje"},
                    {"5511986300002", null, "2002", "hoje"},       // nome: =PROCV(...) that found nothing: #N/A
                    {"5511986300003", "#DIV/0!", "2003", "hoje"},   // nome: =A3/B9, B9 empty
                    {"11986300004.0", "Duda", "2004", "hoje"},
                    {"0800 123 4567", "Central", "2005", "hoje"}};
            for (int r = 0; r < rows.length; r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < 4; c++) {
                    if (rows[r][c] == null) {
                        row.createCell(c).setCellFormula("VLOOKUP(A3,Clientes!A:B,2,FALSE)");
                        row.getCell(c).setCellErrorValue(org.apache.poi.ss.usermodel.FormulaError.NA.getCode());
                    } else if (rows[r][c].equals("#DIV/0!")) {
                        row.createCell(c).setCellFormula("A4/B9");
                        row.getCell(c).setCellErrorValue(org.apache.poi.ss.usermodel.FormulaError.DIV0.getCode());
                    } else {
                        row.createCell(c).setCellValue(rows[r][c]);
                    }
                }
            }
            book.write(out);
            xlsx = out.toByteArray();
        }
        Path file = drop("pedido_enviado", "erros-excel.xlsx", xlsx);
        awaitTaken(file);

        Map<Integer, CsvRecord> byRow = byRow(settledReport("erros-excel"));
        assertLine(byRow.get(2), "+5511986300001", "SENT", "", wamidAnsweredTo("5511986300001"));
        assertLine(byRow.get(3), "+5511986300002", "INVALID", "Column 'nome' holds the spreadsheet error #N/A instead of a value", "");
        assertLine(byRow.get(4), "+5511986300003", "INVALID", "Column 'nome' holds the spreadsheet error #DIV/0!", "");
        assertLine(byRow.get(5), "+5511986300004", "SENT", "", wamidAnsweredTo("5511986300004"));
        assertLine(byRow.get(6), "", "INVALID", "is a toll-free number, which cannot hold WhatsApp", "");
        assertThat(requestsTo("5511986300002")).isEmpty();
        assertThat(requestsTo("5511986300003")).isEmpty();
        assertThat(CLOUD_API.findAll(postRequestedFor(urlEqualTo(MESSAGES)))).noneMatch(r -> r.getBodyAsString().contains("#N/A")
                || r.getBodyAsString().contains("#DIV/0!"));
    }

    /**
     * A UTF-8 file (LibreOffice's "Text CSV", UTF-8) with one name pasted from a Windows-1252 file and one copied with a
     * NUL from a database tool: the others go out as written, not as 'ConceiÃ§Ã£o' nor 'A\u0000na'; the two rows are
     * INVALID, naming their column.
     */
    @Test
    void oneStrayByteOrNulInAUtf8FileSpoilsOnlyItsRow() throws Exception {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes("telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 5; i++) {
            csv.writeBytes(("551198640000" + i + ",Conceição " + i + ",300" + i + ",amanhã\n").getBytes(StandardCharsets.UTF_8));
        }
        csv.writeBytes("5511986400006,Jos".getBytes(StandardCharsets.UTF_8));
        csv.write(0xE9); // é, as Windows-1252 writes it
        csv.writeBytes(",3006,amanhã\n".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes("5511986400007,A\u0000na,3007,amanhã\n".getBytes(StandardCharsets.UTF_8));
        Path file = drop("pedido_enviado", "um-byte.csv", csv.toByteArray());
        awaitTaken(file);

        Map<Integer, CsvRecord> byRow = byRow(settledReport("um-byte"));
        for (int i = 1; i <= 5; i++) {
            assertLine(byRow.get(i + 1), "+551198640000" + i, "SENT", "", wamidAnsweredTo("551198640000" + i));
        }
        assertThat(requestsByRecipient().get("5511986400001").at("/template/components/0/parameters/0/text").asText())
                .isEqualTo("Conceição 1");
        assertLine(byRow.get(7), "+5511986400006", "INVALID", "Column 'nome' has text that could not be read", "");
        assertThat(requestsTo("5511986400006")).isEmpty();
        assertLine(byRow.get(8), "+5511986400007", "INVALID", "Column 'nome' holds an invisible control character (code 0)", "");
        assertThat(requestsTo("5511986400007")).isEmpty();
    }

    private static byte[] workbook() throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = book.createSheet("Pedidos");
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy"));
            Row header = sheet.createRow(0);
            String[] names = {"telefone", "nome", "pedido", "entrega"};
            for (int i = 0; i < names.length; i++) {
                header.createCell(i).setCellValue(names[i]);
            }
            addRow(sheet, date, 1, 5511987650001d, "Fulano", 1001);
            addRow(sheet, date, 2, 5511987650002d, "=HYPERLINK(\"http://evil.example\",\"clique\")", 1002);
            Row lost = sheet.createRow(3);
            lost.createCell(0).setCellValue("5.51199E+12");
            lost.createCell(1).setCellValue("Perdido");
            lost.createCell(2).setCellValue(1003);
            lost.createCell(3).setCellValue("amanhã");
            addRow(sheet, date, 4, 5511987650001d, "Fulano de novo", 1004);
            book.write(out);
            return out.toByteArray();
        }
    }

    private static void addRow(Sheet sheet, CellStyle date, int index, double phone, String name, int order) {
        Row row = sheet.createRow(index);
        row.createCell(0).setCellValue(phone);
        row.createCell(1).setCellValue(name);
        row.createCell(2).setCellValue(order);
        row.createCell(3).setCellValue(LocalDate.of(2026, 12, 25));
        row.getCell(3).setCellStyle(date);
    }

    /** Waits for the campaign's report to exist with no message still on its way, and reads it. */
    private static List<CsvRecord> settledReport(String base) {
        return await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String name = reportName(base);
            if (name == null) {
                return null;
            }
            List<CsvRecord> records = readCsv(DATA_DIR.resolve("outbox").resolve(name));
            boolean settled = records.stream().skip(1).noneMatch(r -> r.getField(3).equals("QUEUED") || r.getField(3).equals("SENDING"));
            return settled ? records : null;
        }, r -> r != null);
    }

    private static String reportName(String base) throws IOException {
        Path outbox = DATA_DIR.resolve("outbox");
        if (!Files.exists(outbox)) {
            return null;
        }
        try (var files = Files.list(outbox)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(java.util.regex.Pattern.quote(base) + "\\.\\d+\\.status\\.csv")).findFirst().orElse(null);
        }
    }

    private static List<CsvRecord> readCsv(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
        String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        List<CsvRecord> records = new ArrayList<>();
        CsvReader.builder().ofCsvRecord(text).forEach(records::add);
        return records;
    }

    private static Map<Integer, CsvRecord> byRow(List<CsvRecord> lines) {
        Map<Integer, CsvRecord> byRow = new HashMap<>();
        lines.stream().skip(1).forEach(r -> byRow.put(Integer.parseInt(r.getField(0)), r));
        return byRow;
    }

    private static void assertLine(CsvRecord line, String e164, String status, String reasonPart, String messageId) {
        assertThat(line.getField(2)).as("phone_e164 of row %s", line.getField(0)).isEqualTo(e164);
        assertThat(line.getField(3)).as("status of row %s", line.getField(0)).isEqualTo(status);
        if (reasonPart.isEmpty()) {
            assertThat(line.getField(4)).as("reason of row %s", line.getField(0)).isEmpty();
        } else {
            assertThat(line.getField(4)).as("reason of row %s", line.getField(0)).contains(reasonPart);
        }
        assertThat(line.getField(6)).as("message_id of row %s", line.getField(0)).isEqualTo(messageId);
        assertThat(line.getField(7)).as("updated_at of row %s", line.getField(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    private static Map<String, JsonNode> requestsByRecipient() throws IOException {
        Map<String, JsonNode> byTo = new HashMap<>();
        for (LoggedRequest request : CLOUD_API.findAll(postRequestedFor(urlEqualTo(MESSAGES)))) {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            JsonNode body = JSON.readTree(request.getBodyAsString());
            byTo.put(body.get("to").asText(), body);
        }
        return byTo;
    }

    private static int countRequestsTo(String to) {
        return CLOUD_API.findAll(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(matchingJsonPath("$.to", com.github.tomakehurst.wiremock.client.WireMock.equalTo(to)))).size();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The request without its biz_opaque_callback_data, which must be the ledger's key of the message (a number). */
    private static JsonNode withoutCallbackData(JsonNode request) {
        assertThat(request.path("biz_opaque_callback_data").asText()).matches("[0-9]+");
        com.fasterxml.jackson.databind.node.ObjectNode copy = request.deepCopy();
        copy.remove("biz_opaque_callback_data");
        return copy;
    }
}
