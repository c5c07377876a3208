package io.arauto.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.camel.CamelContext;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerRecovery;
import io.arauto.ledger.MessageLedger;
import io.arauto.support.HeldResponses;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST API over real HTTP against the running Arauto (its token generated into the data folder, as when
 * arauto.api.token is unset): the token guard, an upload through the campaign intake to its counts and status
 * files, cancel, pause, resume and requeue, the opt-out list and its CSV, the errors, and the OpenAPI document.
 */
class RestApiTest extends ArautoTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private TestRestTemplate http;

    @LocalServerPort
    private int port;

    /** The path as written (already encoded: a '+' in a query is %2B), on the running Arauto. */
    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Autowired
    private CampaignLedger campaigns;

    @Autowired
    private MessageLedger messages;

    @Autowired
    private LedgerRecovery recovery;

    @Autowired
    private CamelContext camel;

    @Autowired
    private JdbcTemplate jdbc;

    private static String token() throws IOException {
        return Files.readString(DATA_DIR.resolve("api-token")).strip();
    }

    private ResponseEntity<String> call(HttpMethod method, String path, String bearer, Object body, MediaType type) {
        HttpHeaders headers = new HttpHeaders();
        if (bearer != null) {
            headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
        }
        if (type != null) {
            headers.setContentType(type);
        }
        return http.exchange(uri(path), method, new HttpEntity<>(body, headers), String.class);
    }

    private ResponseEntity<String> call(HttpMethod method, String path) throws IOException {
        return call(method, path, token(), null, null);
    }

    private ResponseEntity<byte[]> bytes(String path) throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token());
        return http.exchange(uri(path), HttpMethod.GET, new HttpEntity<>(headers), byte[].class);
    }

    private ResponseEntity<String> upload(String template, String fileName, byte[] content, String name) throws IOException {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("file", new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return fileName;
            }
        });
        if (template != null) {
            form.add("template", template);
        }
        if (name != null) {
            form.add("name", name);
        }
        return call(HttpMethod.POST, "/api/campaigns", token(), form, MediaType.MULTIPART_FORM_DATA);
    }

    private static JsonNode json(ResponseEntity<String> response) throws IOException {
        return JSON.readTree(response.getBody());
    }

    private JsonNode campaign(long id) throws IOException {
        ResponseEntity<String> answer = call(HttpMethod.GET, "/api/campaigns/" + id);
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        return json(answer);
    }

    private static int count(JsonNode campaign, String status) {
        return campaign.path("counts").path(status).asInt(0);
    }

    // --- the token ---

    @Test
    void everyApiRequestNeedsTheTokenButTheActuatorAndTheOpenApiDocumentDoNot() throws IOException {
        ResponseEntity<String> none = call(HttpMethod.GET, "/api/campaigns", null, null, null);
        assertThat(none.getStatusCode().value()).isEqualTo(401);
        assertThat(none.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
        assertThat(json(none).path("message").asText()).contains("no Authorization header", "arauto.api.token");

        ResponseEntity<String> wrong = call(HttpMethod.GET, "/api/campaigns", token() + "x", null, null);
        assertThat(wrong.getStatusCode().value()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/api/campaigns", token().substring(1), null, null).getStatusCode().value()).isEqualTo(401);
        // a refused request changes nothing
        assertThat(call(HttpMethod.POST, "/api/opt-outs/+5511970057090", "nope", null, null).getStatusCode().value()).isEqualTo(401);
        assertThat(json(call(HttpMethod.GET, "/api/opt-outs?phone=%2B5511970057090")).path("total").asInt()).isZero();

        assertThat(call(HttpMethod.GET, "/api/campaigns").getStatusCode().value()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/actuator/info", null, null, null).getStatusCode().value()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v3/api-docs", null, null, null).getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentNamesEveryEndpointOfTheApi() throws IOException {
        JsonNode paths = json(call(HttpMethod.GET, "/v3/api-docs", null, null, null)).path("paths");
        Set<String> served = new TreeSet<>();
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            if (!mapping.getValue().getBeanType().getPackageName().equals("io.arauto.api")) {
                continue;
            }
            for (String pattern : mapping.getKey().getPatternValues()) {
                for (var method : mapping.getKey().getMethodsCondition().getMethods()) {
                    String endpoint = method.name() + " " + pattern;
                    served.add(endpoint);
                    if (paths.path(pattern).has(method.name().toLowerCase())) {
                        documented.add(endpoint);
                    }
                }
            }
        }
        assertThat(served).contains("POST /api/campaigns", "GET /api/campaigns", "GET /api/campaigns/{id}",
                "GET /api/campaigns/{id}/report.csv", "GET /api/campaigns/{id}/report.xlsx", "POST /api/campaigns/{id}/cancel",
                "POST /api/campaigns/{id}/pause", "POST /api/campaigns/{id}/resume", "POST /api/campaigns/{id}/requeue-uncertain",
                "GET /api/opt-outs", "POST /api/opt-outs/{phone}", "DELETE /api/opt-outs/{phone}", "GET /api/opt-outs.csv",
                "POST /api/opt-outs.csv");
        assertThat(documented).isEqualTo(served);
    }

    // --- campaigns ---

    @Test
    void anUploadGoesThroughTheIntakeAndItsCountsStatusFilesAndRequeueFollow() throws Exception {
        String uncertain = "5511970056001";
        String sent = "5511970056002";
        StubMapping reset = CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.to", equalTo(uncertain)))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        byte[] csv = ("telefone,nome,codigo\n+" + uncertain + ",Ana,1\n+" + sent + ",Bia,2\nnot a phone,Caio,3\n+" + sent + ",Bia,2\n")
                .getBytes(StandardCharsets.UTF_8);

        ResponseEntity<String> created = upload("aviso_simples", "pedidos-api.csv", csv, null);

        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        long id = json(created).path("id").asLong();
        assertThat(created.getHeaders().getLocation()).hasToString("/api/campaigns/" + id);
        assertThat(json(created).path("counts").path("INVALID").asInt()).isEqualTo(1);
        assertThat(json(created).path("counts").path("DUPLICATE").asInt()).isEqualTo(1);
        // archived like a dropped file, and the campaign is in the listing
        assertThat(DATA_DIR.resolve("archive/aviso_simples/pedidos-api." + id + ".csv")).hasBinaryContent(csv);
        assertThat(json(call(HttpMethod.GET, "/api/campaigns?size=1000")).path("items").findValuesAsText("id")).contains(String.valueOf(id));

        await().atMost(Duration.ofSeconds(30)).until(() -> campaign(id).path("settledAt").isTextual());
        JsonNode done = campaign(id);
        assertThat(done.path("status").asText()).isEqualTo("DONE");
        assertThat(done.path("source").asText()).isEqualTo("api");
        assertThat(done.path("sourceFile").asText()).isEqualTo("aviso_simples/pedidos-api.csv");
        assertThat(done.path("sha256").asText()).isEqualTo(sha256(csv));
        assertThat(done.path("totalRows").asInt()).isEqualTo(4);
        assertThat(count(done, "UNCERTAIN")).isEqualTo(1);
        assertThat(count(done, "SENT") + count(done, "DELIVERED")).isEqualTo(1);
        assertThat(done.path("progress").path("percent").asInt()).isEqualTo(100);
        assertThat(done.path("createdAt").isTextual() && done.path("readAt").isTextual() && done.path("archivedAt").isTextual()).isTrue();

        // the status files, as the report module writes them, once they show the settled campaign
        // a round written while the other message was still SENDING may be the one served first: the settled one comes next
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(reportStatuses(id)).containsExactly("UNCERTAIN", "SENT", "INVALID", "DUPLICATE"));
        // the XLSX twin is written right after the CSV: the same round's may come a moment later
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(xlsxStatuses(id)).containsExactly("UNCERTAIN", "SENT", "INVALID", "DUPLICATE"));

        ResponseEntity<String> cancel = call(HttpMethod.POST, "/api/campaigns/" + id + "/cancel");
        assertThat(cancel.getStatusCode().value()).isEqualTo(409);
        assertThat(json(cancel).path("message").asText()).contains("already settled (DONE)");
        assertThat(call(HttpMethod.POST, "/api/campaigns/" + id + "/pause").getStatusCode().value()).isEqualTo(409);

        CLOUD_API.removeStub(reset);
        ResponseEntity<String> requeue = call(HttpMethod.POST, "/api/campaigns/" + id + "/requeue-uncertain");
        assertThat(requeue.getStatusCode().value()).isEqualTo(200);
        assertThat(json(requeue).path("message").asText()).startsWith("1 uncertain");
        // audited with the change: the campaign, the action and how many messages it changed; the refused cancel and pause are not
        assertThat(audited(id)).containsExactly("uncertain_requeued");
        JsonNode requeued = audit(id, "uncertain_requeued").get(0);
        assertThat(requeued.path("source").asText()).isEqualTo("api");
        assertThat(requeued.path("messages_requeued").asInt()).isEqualTo(1);
        assertThat(requeued.path("status").asText()).isEqualTo("ACTIVE");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(campaign(id), "UNCERTAIN") == 0
                && campaign(id).path("status").asText().equals("DONE"));
        assertThat(requestsTo(uncertain)).hasSize(2);
        assertThat(requestsTo(sent)).hasSize(1);
    }

    /** The status column of the campaign's XLSX status file, as served by the API. */
    private List<String> xlsxStatuses(long id) throws IOException {
        ResponseEntity<byte[]> xlsx = bytes("/api/campaigns/" + id + "/report.xlsx");
        assertThat(xlsx.getHeaders().getContentType().toString()).startsWith("application/vnd.openxmlformats");
        assertThat(xlsx.getHeaders().getContentDisposition().getFilename()).isEqualTo("pedidos-api." + id + ".status.xlsx");
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx.getBody()))) {
            Sheet sheet = book.getSheetAt(0);
            DataFormatter cells = new DataFormatter();
            int status = -1;
            for (org.apache.poi.ss.usermodel.Cell cell : sheet.getRow(0)) {
                if (cells.formatCellValue(cell).equals("status")) {
                    status = cell.getColumnIndex();
                }
            }
            List<String> statuses = new ArrayList<>();
            for (Row row : sheet) {
                if (row.getRowNum() > 0) {
                    statuses.add(cells.formatCellValue(row.getCell(status)));
                }
            }
            return statuses;
        }
    }

    /** The status column of the campaign's CSV status file, served by the API, in row order (empty until it is written). */
    private List<String> reportStatuses(long id) throws IOException {
        ResponseEntity<byte[]> csv = bytes("/api/campaigns/" + id + "/report.csv");
        if (csv.getStatusCode().value() == 404) {
            return List.of();
        }
        assertThat(csv.getHeaders().getContentType().toString()).startsWith("text/csv");
        String text = new String(csv.getBody(), StandardCharsets.UTF_8).replace("\uFEFF", "");
        List<String> statuses = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(new StringReader(text))) {
            Iterator<CsvRecord> records = reader.iterator();
            List<String> header = records.next().getFields();
            int status = header.indexOf("status");
            records.forEachRemaining(r -> statuses.add(r.getField(status)));
        }
        return statuses;
    }

    @Test
    void cancelStopsTheQueuedMessagesWhileThoseInFlightFinishAndPauseAndResumeComeFirst() throws Exception {
        List<String> phones = IntStream.range(0, 60).mapToObj(i -> "55119700570" + String.format("%02d", i)).toList();
        HeldResponses.Gate answers = HELD_RESPONSES.gateNamed("api-cancel");
        StubMapping held = CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.to", matching("551197005700[0-9]|55119700570[1-5][0-9]")))
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("api-cancel"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"messages\":[{\"id\":\"wamid.{{jsonPath request.body '$.to'}}\"}]}")));
        StringBuilder csv = new StringBuilder("telefone,nome,codigo\n");
        phones.forEach(p -> csv.append('+').append(p).append(",Ana,7\n"));
        long id;
        try {
            ResponseEntity<String> created = upload("aviso_simples", "cancelar.csv", csv.toString().getBytes(StandardCharsets.UTF_8), "lote de teste");
            assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
            id = json(created).path("id").asLong();
            assertThat(campaign(id).path("name").asText()).isEqualTo("lote de teste.csv");

            assertThat(answers.awaitRequest(Duration.ofSeconds(20))).as("a request reached the provider").isTrue();
            // the answers are held (well within the read timeout): some messages are on their way, the rest still queued
            JsonNode sending = campaign(id);
            assertThat(count(sending, "SENDING")).isPositive();
            assertThat(count(sending, "QUEUED")).isPositive();

            assertThat(json(call(HttpMethod.POST, "/api/campaigns/" + id + "/pause")).path("status").asText()).isEqualTo("PAUSED");
            assertThat(campaign(id).path("pausedReason").asText()).contains("Paused by an operator");
            assertThat(call(HttpMethod.POST, "/api/campaigns/" + id + "/pause").getStatusCode().value()).isEqualTo(409);
            assertThat(json(call(HttpMethod.POST, "/api/campaigns/" + id + "/resume")).path("status").asText()).isEqualTo("ACTIVE");
            assertThat(call(HttpMethod.POST, "/api/campaigns/" + id + "/resume").getStatusCode().value()).isEqualTo(409);

            ResponseEntity<String> cancel = call(HttpMethod.POST, "/api/campaigns/" + id + "/cancel");
            assertThat(cancel.getStatusCode().value()).as(cancel.getBody()).isEqualTo(200);
            assertThat(json(cancel).path("status").asText()).isEqualTo("CANCELLED");
        } finally {
            answers.open();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(campaign(id), "SENDING") == 0);
        JsonNode cancelled = campaign(id);
        CLOUD_API.removeStub(held);
        assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
        int sent = count(cancelled, "SENT");
        assertThat(count(cancelled, "CANCELLED")).isPositive();
        assertThat(sent).as("the requests in flight finished").isPositive();
        assertThat(sent + count(cancelled, "CANCELLED")).isEqualTo(60);
        int requests = phones.stream().mapToInt(p -> requestsTo(p).size()).sum();
        assertThat(requests).as("nothing cancelled was sent").isEqualTo(sent);
        assertThat(call(HttpMethod.POST, "/api/campaigns/" + id + "/requeue-uncertain").getStatusCode().value()).isEqualTo(409);
        assertThat(json(call(HttpMethod.POST, "/api/campaigns/" + id + "/cancel")).path("message").asText())
                .contains("already settled (CANCELLED)");

        // each action audited once, in order, naming the campaign and how many messages it changed; the refused ones (409) not
        assertThat(audited(id)).containsExactly("campaign_paused", "campaign_resumed", "campaign_cancelled");
        JsonNode paused = audit(id, "campaign_paused").get(0);
        JsonNode resumed = audit(id, "campaign_resumed").get(0);
        JsonNode cancelledAudit = audit(id, "campaign_cancelled").get(0);
        assertThat(List.of(paused, resumed, cancelledAudit)).allSatisfy(line -> assertThat(line.path("source").asText()).isEqualTo("api"));
        assertThat(paused.path("status").asText()).isEqualTo("PAUSED");
        assertThat(paused.path("messages_held").asInt()).as("the queued messages it held").isPositive();
        // with the answers held, nothing left the queue while it was paused (but a claim racing the pause's commit)
        assertThat(resumed.path("messages_released").asInt()).isPositive().isLessThanOrEqualTo(paused.path("messages_held").asInt());
        assertThat(resumed.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(cancelledAudit.path("messages_cancelled").asInt()).isEqualTo(count(cancelled, "CANCELLED"))
                .isLessThanOrEqualTo(resumed.path("messages_released").asInt());
        assertThat(cancelledAudit.path("status").asText()).isEqualTo("CANCELLED");
    }

    /** The audit trail's lines (every day's file under the data folder's audit/) of campaign {@code id}, as JSON. */
    private static List<JsonNode> auditLines(long id) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (var files = Files.list(DATA_DIR.resolve("audit"))) {
            for (java.nio.file.Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode event = JSON.readTree(line);
                    if (event.path("campaign_id").asLong(-1) == id) {
                        lines.add(event);
                    }
                }
            }
        }
        return lines;
    }

    /** The events of an operator's actions on campaign {@code id} in the audit trail, in order. */
    private static List<String> audited(long id) throws IOException {
        Set<String> actions = Set.of("campaign_cancelled", "campaign_paused", "campaign_resumed", "uncertain_requeued");
        return auditLines(id).stream().map(e -> e.path("event").asText()).filter(actions::contains).toList();
    }

    private static List<JsonNode> audit(long id, String event) throws IOException {
        return auditLines(id).stream().filter(e -> e.path("event").asText().equals(event)).toList();
    }

    @Test
    void aMessageThatComesBackToBeTriedAgainAfterItsCampaignWasCancelledIsCancelledToo() throws Exception {
        // the watchdog (every 30 s) would do what recover() does below, at a moment of its own: held while we look in between
        camel.getRouteController().stopRoute("ledger-watchdog");
        try {
            long id = campaigns.create("voltou.csv", "aviso_simples", "test", "aviso_simples/voltou.csv", "cancel-leftover",
                    List.of("phone", "name", "code"));
            messages.insert(id, List.of(queued(2, "+5511970060001"), queued(3, "+5511970060002")));
            // paused before anything went out, with row 3's request out (its claim committed) as the operator cancels
            jdbc.update("update campaign set status = 'PAUSED', total_rows = 2 where id = ?", id);
            jdbc.update("update message set status = 'SENDING', updated_at = ? where id = ?",
                    java.sql.Timestamp.from(java.time.Instant.now()), MessageLedger.key(id, 3));

            assertThat(call(HttpMethod.POST, "/api/campaigns/" + id + "/cancel").getStatusCode().value()).isEqualTo(200);
            assertThat(campaign(id).path("counts").path("CANCELLED").asInt()).isEqualTo(1);
            assertThat(audit(id, "campaign_cancelled")).singleElement()
                    .satisfies(line -> assertThat(line.path("messages_cancelled").asInt()).as("the one QUEUED, not the one SENDING")
                            .isEqualTo(1));
            assertThat(campaign(id).path("counts").path("SENDING").asInt()).isEqualTo(1);

            // its answer: try again later (Meta was busy); it is QUEUED again, in a cancelled campaign (the write is committed
            // when retryLater returns)
            messages.retryLater(id, 3, java.time.Instant.now(), "131000", "Meta was busy");
            assertThat(count(campaign(id), "QUEUED")).isEqualTo(1);

            recovery.recover();

            JsonNode cancelled = campaign(id);
            assertThat(count(cancelled, "CANCELLED")).isEqualTo(2);
            assertThat(count(cancelled, "QUEUED")).isZero();
            assertThat(jdbc.queryForObject("select reason from message where id = ?", String.class, MessageLedger.key(id, 3)))
                    .isEqualTo(CampaignLedger.CANCELLED_REASON);
            assertThat(requestsTo("5511970060001")).isEmpty();
            assertThat(requestsTo("5511970060002")).isEmpty();
        } finally {
            camel.getRouteController().startRoute("ledger-watchdog");
        }
    }

    private static JudgedRow queued(int row, String e164) {
        return new JudgedRow(row, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Ana", "C-" + row));
    }

    @Test
    void aFileThatCannotBeTakenIsRefusedWithAReasonAPersonCanActOn() throws IOException {
        ResponseEntity<String> unknown = upload("nao_existe", "x.csv", "telefone,nome\n+5511970058001,Ana\n".getBytes(StandardCharsets.UTF_8), null);
        assertThat(unknown.getStatusCode().value()).isEqualTo(422);
        assertThat(json(unknown).path("message").asText()).contains("There is no template named 'nao_existe'", "aviso_simples");

        ResponseEntity<String> unreadable = upload("aviso_simples", "quebrado.xlsx", "this is not a spreadsheet".getBytes(StandardCharsets.UTF_8), null);
        assertThat(unreadable.getStatusCode().value()).isEqualTo(422);
        assertThat(json(unreadable).path("message").asText()).isNotBlank().doesNotContain("Exception");

        ResponseEntity<String> columns = upload("pedido_enviado", "sem-colunas.csv", "telefone,nome\n+5511970058002,Ana\n".getBytes(StandardCharsets.UTF_8), null);
        assertThat(columns.getStatusCode().value()).isEqualTo(422);
        assertThat(json(columns).path("message").asText()).contains("pedido");

        ResponseEntity<String> kind = upload("aviso_simples", "notas.txt", "hello".getBytes(StandardCharsets.UTF_8), null);
        assertThat(kind.getStatusCode().value()).isEqualTo(422);
        assertThat(json(kind).path("message").asText()).contains(".csv", ".xlsx");

        ResponseEntity<String> noTemplate = upload(null, "x.csv", "telefone\n".getBytes(StandardCharsets.UTF_8), null);
        assertThat(noTemplate.getStatusCode().value()).isEqualTo(400);
        assertThat(json(noTemplate).path("message").asText()).contains("'template'");

        byte[] once = "telefone,nome,codigo\n+5511970058003,Ana,1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(upload("aviso_simples", "uma-vez.csv", once, null).getStatusCode().value()).isEqualTo(201);
        ResponseEntity<String> again = upload("aviso_simples", "uma-vez.csv", once, null);
        assertThat(again.getStatusCode().value()).isEqualTo(422);
        assertThat(json(again).path("message").asText()).contains("byte-for-byte identical");

        ResponseEntity<String> missing = call(HttpMethod.GET, "/api/campaigns/987654321");
        assertThat(missing.getStatusCode().value()).isEqualTo(404);
        assertThat(json(missing).path("message").asText()).isEqualTo("There is no campaign 987654321; GET /api/campaigns lists them.");
        assertThat(call(HttpMethod.POST, "/api/campaigns/987654321/cancel").getStatusCode().value()).isEqualTo(404);
        assertThat(call(HttpMethod.GET, "/api/campaigns/987654321/report.csv").getStatusCode().value()).isEqualTo(404);
        ResponseEntity<String> notANumber = call(HttpMethod.GET, "/api/campaigns/abc");
        assertThat(notANumber.getStatusCode().value()).isEqualTo(400);
        assertThat(json(notANumber).path("message").asText()).contains("'id' must be a whole number");
        assertThat(call(HttpMethod.GET, "/api/campaigns?size=0").getStatusCode().value()).isEqualTo(400);
    }

    @Test
    void aMethodAnEndpointDoesNotTakeOrAPathThatIsNoneAnswerJsonNamingWhatToDo() throws IOException {
        ResponseEntity<String> delete = call(HttpMethod.DELETE, "/api/campaigns/1");
        assertThat(delete.getStatusCode().value()).isEqualTo(405);
        assertThat(delete.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
        assertThat(delete.getHeaders().getFirst(HttpHeaders.ALLOW)).isEqualTo("GET");
        assertThat(json(delete).path("status").asInt()).isEqualTo(405);
        assertThat(json(delete).path("error").asText()).isEqualTo("Method Not Allowed");
        assertThat(json(delete).path("message").asText())
                .isEqualTo("/api/campaigns/1 does not take DELETE: it takes GET. Every endpoint and its methods are in GET /v3/api-docs.");

        ResponseEntity<String> get = call(HttpMethod.GET, "/api/campaigns/1/cancel");
        assertThat(get.getStatusCode().value()).isEqualTo(405);
        assertThat(json(get).path("message").asText()).startsWith("/api/campaigns/1/cancel does not take GET: it takes POST.");

        ResponseEntity<String> put = call(HttpMethod.PUT, "/api/opt-outs/+5511970059301");
        assertThat(put.getStatusCode().value()).isEqualTo(405);
        assertThat(json(put).path("message").asText()).contains("does not take PUT: it takes DELETE or POST.");

        ResponseEntity<String> none = call(HttpMethod.GET, "/api/campanhas");
        assertThat(none.getStatusCode().value()).isEqualTo(404);
        assertThat(none.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
        assertThat(json(none).path("message").asText()).startsWith("There is no endpoint /api/campanhas in the REST API");

        // the token still comes first: without it nothing is told about the endpoints
        assertThat(call(HttpMethod.DELETE, "/api/campaigns/1", null, null, null).getStatusCode().value()).isEqualTo(401);
    }

    // --- opt-outs ---

    @Test
    void anOperatorOptsANumberOutAndInAgain() throws IOException {
        ResponseEntity<String> added = call(HttpMethod.POST, "/api/opt-outs/%2811%29%2097005-9001?detail=asked%20by%20phone");
        assertThat(added.getStatusCode().value()).as(added.getBody()).isEqualTo(201);
        assertThat(json(added).path("phone").asText()).isEqualTo("+5511970059001");
        assertThat(call(HttpMethod.POST, "/api/opt-outs/+5511970059001").getStatusCode().value()).isEqualTo(200);

        // found with or without the ninth digit
        for (String filter : List.of("+5511970059001", "+551170059001")) {
            JsonNode page = json(call(HttpMethod.GET, "/api/opt-outs?phone=" + filter.replace("+", "%2B")));
            assertThat(page.path("total").asInt()).as(filter).isEqualTo(1);
            assertThat(page.path("items").get(0).path("source").asText()).isEqualTo("operator");
            assertThat(page.path("items").get(0).path("detail").asText()).isEqualTo("asked by phone");
        }
        assertThat(json(call(HttpMethod.GET, "/api/opt-outs?size=1")).path("items")).hasSize(1);

        ResponseEntity<String> invalid = call(HttpMethod.POST, "/api/opt-outs/12");
        assertThat(invalid.getStatusCode().value()).isEqualTo(400);
        assertThat(json(invalid).path("message").asText()).contains("'12'");

        assertThat(call(HttpMethod.DELETE, "/api/opt-outs/+5511970059001").getStatusCode().value()).isEqualTo(200);
        assertThat(json(call(HttpMethod.GET, "/api/opt-outs?phone=%2B5511970059001")).path("total").asInt()).isZero();
        ResponseEntity<String> gone = call(HttpMethod.DELETE, "/api/opt-outs/+5511970059001");
        assertThat(gone.getStatusCode().value()).isEqualTo(404);
        assertThat(json(gone).path("message").asText()).contains("not on Arauto's opt-out list");
    }

    @Test
    void theOptOutListGoesOutAndComesBackAsCsv() throws IOException {
        String body = "phone,source,at\n"
                + "+5511970059101,reply,2026-11-01T10:00:00Z\n"
                + "(11) 97005-9102,,\n"
                + "not a phone,operator,\n"
                + "+5511970059104,alien,\n"
                + "+5511970059105,operator,yesterday\n";
        ResponseEntity<String> imported = call(HttpMethod.POST, "/api/opt-outs.csv", token(), body, MediaType.parseMediaType("text/csv"));
        assertThat(imported.getStatusCode().value()).as(imported.getBody()).isEqualTo(200);
        JsonNode result = json(imported);
        assertThat(result.path("added").asInt()).isEqualTo(2);
        assertThat(result.path("refused").findValuesAsText("line")).containsExactly("4", "5", "6");
        assertThat(result.path("refused").get(1).path("reason").asText()).contains("'alien'");

        Map<String, List<String>> exported = exportedOptOuts();
        assertThat(exported.get("+5511970059101")).containsExactly("reply", "2026-11-01T10:00:00Z");
        assertThat(exported.get("+5511970059102").get(0)).isEqualTo("operator");
        assertThat(exported).doesNotContainKeys("+5511970059104", "+5511970059105");

        // the export, read back into an emptied list, restores the same entries
        StringBuilder mine = new StringBuilder("phone,source,at\n");
        for (String phone : List.of("+5511970059101", "+5511970059102")) {
            mine.append(phone).append(',').append(String.join(",", exported.get(phone))).append('\n');
            assertThat(call(HttpMethod.DELETE, "/api/opt-outs/" + phone).getStatusCode().value()).isEqualTo(200);
        }
        JsonNode restored = json(call(HttpMethod.POST, "/api/opt-outs.csv", token(), mine.toString(), MediaType.parseMediaType("text/csv")));
        assertThat(restored.path("added").asInt()).isEqualTo(2);
        assertThat(exportedOptOuts().get("+5511970059101")).isEqualTo(exported.get("+5511970059101"));
        assertThat(exportedOptOuts().get("+5511970059102")).isEqualTo(exported.get("+5511970059102"));

        // source and time may be left out: operator, now
        JsonNode phoneOnly = json(call(HttpMethod.POST, "/api/opt-outs.csv", token(), "phone,source,at\n+5511970059106\n",
                MediaType.parseMediaType("text/csv")));
        assertThat(phoneOnly.path("added").asInt()).isEqualTo(1);
        assertThat(exportedOptOuts().get("+5511970059106").get(0)).isEqualTo("operator");

        ResponseEntity<String> broken = call(HttpMethod.POST, "/api/opt-outs.csv", token(),
                "phone,source,at\n+5511970059107,operator,2026-11-01T10:00:00Z,extra\n", MediaType.parseMediaType("text/csv"));
        assertThat(broken.getStatusCode().value()).as(broken.getBody()).isEqualTo(400);
        assertThat(json(broken).path("message").asText()).doesNotContain("Exception");
        assertThat(json(broken).path("message").asText()).contains("phone,source,at");
    }

    /** GET /api/opt-outs.csv: each phone with its source and time. */
    private Map<String, List<String>> exportedOptOuts() throws IOException {
        ResponseEntity<byte[]> csv = bytes("/api/opt-outs.csv");
        assertThat(csv.getStatusCode().value()).isEqualTo(200);
        assertThat(csv.getHeaders().getContentType().toString()).startsWith("text/csv");
        Map<String, List<String>> lines = new HashMap<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(new String(csv.getBody(), StandardCharsets.UTF_8))) {
            Iterator<CsvRecord> records = reader.iterator();
            assertThat(records.next().getFields()).containsExactly("phone", "source", "at");
            records.forEachRemaining(r -> lines.put(r.getField(0), List.of(r.getField(1), r.getField(2))));
        }
        return lines;
    }

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
