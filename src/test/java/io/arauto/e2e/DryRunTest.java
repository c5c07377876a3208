package io.arauto.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dry runs, from the folder ({@code inbox/<template>/dry-run/}) and from the REST API ({@code dry-run=true}): the file is
 * judged in full and gets its status files (verdicts, the text each message would send, what sending would take), nothing
 * reaches the Cloud API stand-in, and the same bytes dropped or uploaded for real afterwards are accepted and sent once.
 */
class DryRunTest extends ArautoTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** In the CRM's opt-out list of ArautoTestBase, typed as its users do. */
    private static final String CRM_OPTED_OUT = "+55 (11) 97777-6666";

    @Autowired
    private TestRestTemplate http;
    @LocalServerPort
    private int port;
    @Autowired
    private JdbcTemplate jdbc;

    private static byte[] file(String first, String second) {
        return ("telefone,nome,codigo\n+" + first + ",Ana,A-1\n+" + second + ",Bia,B-2\nnot a phone,Caio,C-3\n+" + first + ",Ana,A-1\n"
                + CRM_OPTED_OUT + ",Duda,D-4\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFileInTheDryRunFolderIsJudgedInFullSendsNothingAndIsNoDuplicateOfTheRealDropAfterIt() throws IOException {
        String ana = "5511970071001";
        String bia = "5511970071002";
        byte[] csv = file(ana, bia);

        Path dry = drop("aviso_simples/dry-run", "ensaio-pasta.csv", csv);
        awaitTaken(dry);
        long id = campaignOf("aviso_simples/dry-run/ensaio-pasta.csv");
        assertThat(status(id)).isEqualTo("DRY_RUN");
        assertThat(DATA_DIR.resolve("archive/aviso_simples/ensaio-pasta." + id + ".csv")).hasBinaryContent(csv);

        List<CsvRecord> lines = awaitDryRunReport("ensaio-pasta", id);
        assertThat(lines).extracting(l -> l.getField(3)).containsExactly("QUEUED", "QUEUED", "INVALID", "DUPLICATE", "OPTED_OUT");
        String queued = lines.get(0).getField(4);
        assertThat(queued).startsWith("Dry run: nothing was sent. 2 messages would go out, to 2 numbers that had none in the last 24 hours.")
                .contains("There is no daily limit (arauto.send.daily-limit=0)", "messages a second (arauto.send.rate)", "would finish around ")
                .endsWith("Would send: \"Hello Ana, your code is A-1.\"");
        assertThat(lines.get(1).getField(4)).endsWith("Would send: \"Hello Bia, your code is B-2.\"");
        assertThat(lines.get(2).getField(4)).isNotBlank().doesNotContain("Dry run");
        assertThat(lines.get(3).getField(4)).isEqualTo("The same number is on row 2.");
        assertThat(lines.get(4).getField(4)).contains("opted out (CRM");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ? and attempts > 0", Integer.class, id))
                .as("messages of the dry run ever claimed").isZero();
        // the audit says it was a dry run
        String audit = String.join("\n", filesUnder(DATA_DIR.resolve("audit")).stream().map(f -> {
            try {
                return Files.readString(f);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
        assertThat(audit.lines().filter(l -> l.contains("\"event\":\"campaign_created\"") && l.contains("\"campaign_id\":" + id + ","))
                .toList()).singleElement().asString().contains("\"dry_run\":true", "\"file\":\"aviso_simples/dry-run/ensaio-pasta.csv\"");

        // the same bytes dropped for real: accepted (not a duplicate of the dry run), sent once to each number
        Path real = drop("aviso_simples", "ensaio-pasta.csv", csv);
        awaitTaken(real);
        long realId = campaignOf("aviso_simples/ensaio-pasta.csv");
        assertThat(realId).isNotEqualTo(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(realId).equals("DONE"));
        assertThat(requestsTo(ana)).as("one request: the real drop's, none of the dry run's").hasSize(1);
        assertThat(requestsTo(bia)).hasSize(1);
        assertThat(status(id)).isEqualTo("DRY_RUN");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ? and status = 'QUEUED'", Integer.class, id))
                .as("the dry run's rows keep their verdicts").isEqualTo(2);
    }

    @Test
    void anUploadWithDryRunAnswersWithTheEstimateSendsNothingAndTheRealUploadAfterIsSent() throws IOException {
        String ana = "5511970071101";
        String bia = "5511970071102";
        byte[] csv = file(ana, bia);

        ResponseEntity<String> dry = upload(csv, "ensaio-api.csv", "true");
        assertThat(dry.getStatusCode().value()).as(dry.getBody()).isEqualTo(201);
        JsonNode answer = JSON.readTree(dry.getBody());
        long id = answer.path("id").asLong();
        assertThat(answer.path("status").asText()).isEqualTo("DRY_RUN");
        assertThat(answer.at("/counts/QUEUED").asInt()).isEqualTo(2);
        assertThat(answer.at("/counts/INVALID").asInt()).isEqualTo(1);
        assertThat(answer.at("/counts/DUPLICATE").asInt()).isEqualTo(1);
        assertThat(answer.at("/counts/OPTED_OUT").asInt()).isEqualTo(1);
        JsonNode estimate = answer.path("dryRun");
        assertThat(estimate.path("messages").asInt()).isEqualTo(2);
        assertThat(estimate.path("newRecipients").asInt()).isEqualTo(2);
        assertThat(estimate.path("wouldUse").asInt()).isEqualTo(2);
        assertThat(estimate.path("dailyLimit").isNull()).as("no daily limit in this context").isTrue();
        assertThat(estimate.path("rate").asInt()).isEqualTo(500);
        assertThat(Instant.parse(estimate.path("wouldFinishAt").asText())).isAfter(Instant.now().minusSeconds(60));
        assertThat(estimate.path("summary").asText()).startsWith("Dry run: nothing was sent.");

        JsonNode view = JSON.readTree(call(HttpMethod.GET, "/api/campaigns/" + id).getBody());
        assertThat(view.path("status").asText()).isEqualTo("DRY_RUN");
        assertThat(view.path("sourceFile").asText()).isEqualTo("aviso_simples/dry-run/ensaio-api.csv");
        assertThat(view.at("/progress/waiting").asInt()).as("nothing of a dry run waits to be sent").isZero();
        ResponseEntity<String> cancel = call(HttpMethod.POST, "/api/campaigns/" + id + "/cancel");
        assertThat(cancel.getStatusCode().value()).isEqualTo(409);
        assertThat(JSON.readTree(cancel.getBody()).path("message").asText()).contains("a dry run (DRY_RUN), which sends nothing");
        List<CsvRecord> lines = awaitDryRunReport("ensaio-api", id);
        assertThat(lines).extracting(l -> l.getField(3)).containsExactly("QUEUED", "QUEUED", "INVALID", "DUPLICATE", "OPTED_OUT");
        assertThat(lines.get(0).getField(4)).startsWith(estimate.path("summary").asText());

        ResponseEntity<String> real = upload(csv, "ensaio-api.csv", "false");
        assertThat(real.getStatusCode().value()).as("the real upload is no duplicate of the dry run: %s", real.getBody()).isEqualTo(201);
        long realId = JSON.readTree(real.getBody()).path("id").asLong();
        assertThat(JSON.readTree(real.getBody()).has("dryRun")).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(realId).equals("DONE"));
        assertThat(requestsTo(ana)).hasSize(1);
        assertThat(requestsTo(bia)).hasSize(1);
        // and a second real upload of the same bytes is the duplicate, as before
        ResponseEntity<String> again = upload(csv, "ensaio-api.csv", null);
        assertThat(again.getStatusCode().value()).isEqualTo(422);
        assertThat(JSON.readTree(again.getBody()).path("message").asText()).contains("campaign " + realId);
    }

    @Test
    void aDryRunFlagThatIsNeitherTrueNorFalseIsRefused() throws IOException {
        ResponseEntity<String> answer = upload(file("5511970071201", "5511970071202"), "ensaio-flag.csv", "yes");
        assertThat(answer.getStatusCode().value()).isEqualTo(422);
        assertThat(JSON.readTree(answer.getBody()).path("message").asText()).contains("'dry-run' is 'yes'", "true", "false");
    }

    private long campaignOf(String sourceFile) {
        return jdbc.queryForObject("select max(id) from campaign where source_file = ?", Long.class, sourceFile);
    }

    private String status(long id) {
        return jdbc.queryForObject("select status from campaign where id = ?", String.class, id);
    }

    /** The status CSV's lines once its queued rows carry the dry run's estimate. */
    private static List<CsvRecord> awaitDryRunReport(String base, long id) {
        Path report = DATA_DIR.resolve("outbox").resolve(base + "." + id + ".status.csv");
        List<CsvRecord> lines = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!Files.exists(report)) {
                return false;
            }
            lines.clear();
            String text = Files.readString(report, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "");
            CsvReader.builder().ofCsvRecord(text).stream().skip(1).forEach(lines::add);
            return !lines.isEmpty() && lines.get(0).getField(4).startsWith("Dry run");
        });
        return lines;
    }

    private String token() throws IOException {
        return Files.readString(DATA_DIR.resolve("api-token")).strip();
    }

    private ResponseEntity<String> call(HttpMethod method, String path) throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(token());
        return http.exchange(URI.create("http://localhost:" + port + path), method, new HttpEntity<>(headers), String.class);
    }

    private ResponseEntity<String> upload(byte[] content, String fileName, String dryRun) throws IOException {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("file", new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return fileName;
            }
        });
        form.add("template", "aviso_simples");
        if (dryRun != null) {
            form.add("dry-run", dryRun);
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(token());
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        return http.exchange(URI.create("http://localhost:" + port + "/api/campaigns"), HttpMethod.POST, new HttpEntity<>(form, headers),
                String.class);
    }
}
