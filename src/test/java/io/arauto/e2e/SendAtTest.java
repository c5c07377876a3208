package io.arauto.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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

import io.arauto.ledger.MessageLedger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code send-at} on {@code POST /api/campaigns}, over real HTTP against the running Arauto and the Cloud API stand-in: the
 * upload is judged and stored at once, nothing of it goes out before its send-at and all of it after; a send-at that is past,
 * unreadable or on a dry run is refused with a sentence a person can act on, and nothing of such an upload is kept.
 */
class SendAtTest extends ArautoTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private TestRestTemplate http;

    @LocalServerPort
    private int port;

    @Autowired
    private Clock clock;

    @Autowired
    private JdbcTemplate jdbc;

    private ResponseEntity<String> call(HttpMethod method, String path, Object body, MediaType type) throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + Files.readString(DATA_DIR.resolve("api-token")).strip());
        if (type != null) {
            headers.setContentType(type);
        }
        return http.exchange(URI.create("http://localhost:" + port + path), method, new HttpEntity<>(body, headers), String.class);
    }

    private ResponseEntity<String> upload(String fileName, String csv, String sendAt, String dryRun) throws IOException {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("file", new ByteArrayResource(csv.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public String getFilename() {
                return fileName;
            }
        });
        form.add("template", "aviso_simples");
        form.add("send-at", sendAt);
        if (dryRun != null) {
            form.add("dry-run", dryRun);
        }
        return call(HttpMethod.POST, "/api/campaigns", form, MediaType.MULTIPART_FORM_DATA);
    }

    private static JsonNode json(ResponseEntity<String> response) throws IOException {
        return JSON.readTree(response.getBody());
    }

    @Test
    void anUploadWithSendAtIsStoredAtOnceButNothingOfItGoesOutBeforeThatTime() throws Exception {
        String first = "5511970083001";
        String second = "5511970083002";
        // a few seconds ahead on Arauto's own clock, written in São Paulo's offset as a person would
        OffsetDateTime sendAt = clock.instant().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.ofHours(-3));

        ResponseEntity<String> created = upload("agendado.csv", "telefone,nome,codigo\n+" + first + ",Ana,1\n+" + second + ",Bia,2\n",
                sendAt.toString(), null);

        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode answer = json(created);
        long id = answer.path("id").asLong();
        assertThat(answer.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(answer.path("counts").path("QUEUED").asInt()).isEqualTo(2); // judged and stored at once
        assertThat(Instant.parse(answer.path("sendAt").asText())).isEqualTo(sendAt.toInstant());
        JsonNode shown = json(call(HttpMethod.GET, "/api/campaigns/" + id, null, null));
        assertThat(Instant.parse(shown.path("sendAt").asText())).isEqualTo(sendAt.toInstant());
        // each waiting message says why, in the send-at's own offset
        String time = sendAt.getSecond() == 0 ? sendAt.toLocalTime().toString()
                : String.format("%02d:%02d:%02d", sendAt.getHour(), sendAt.getMinute(), sendAt.getSecond());
        assertThat(jdbc.queryForList("select reason from message where id >= ? and id < ?", String.class,
                MessageLedger.first(id), MessageLedger.first(id + 1)))
                .containsOnly("Waiting: sends from " + sendAt.toLocalDate() + " " + time + " -03:00 (send-at)");

        // nothing of it goes out until its send-at (a little before it: the poll's own time is not the request's)
        Duration untilJustBefore = Duration.between(clock.instant(), sendAt.toInstant().minusMillis(300));
        assertThat(untilJustBefore).as("the upload took too long for this test to watch the wait").isPositive();
        await().pollInterval(Duration.ofMillis(100)).during(untilJustBefore).atMost(untilJustBefore.plusSeconds(5))
                .until(() -> requestsTo(first).isEmpty() && requestsTo(second).isEmpty());

        // then all of it, each message once, none before its send-at
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsTo(first).size() == 1 && requestsTo(second).size() == 1);
        for (LoggedRequest request : List.of(requestsTo(first).get(0), requestsTo(second).get(0))) {
            assertThat(request.getLoggedDate().toInstant()).isAfterOrEqualTo(sendAt.toInstant());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode campaign = json(call(HttpMethod.GET, "/api/campaigns/" + id, null, null));
            assertThat(campaign.path("counts").path("SENT").asInt()).isEqualTo(2);
            assertThat(campaign.path("status").asText()).isEqualTo("DONE");
        });
        assertThat(jdbc.queryForList("select reason from message where id >= ? and id < ?", String.class,
                MessageLedger.first(id), MessageLedger.first(id + 1))).containsOnlyNulls();
    }

    @Test
    void aSendAtThatIsPastUnreadableOrOnADryRunIsRefusedAndNothingOfTheUploadIsKept() throws IOException {
        String csv = "telefone,nome,codigo\n+5511970083003,Caio,3\n";
        long before = campaignCount();

        ResponseEntity<String> past = upload("passado.csv", csv, "2020-12-01T08:00:00-03:00", null);
        assertThat(past.getStatusCode().value()).as(past.getBody()).isEqualTo(422);
        assertThat(json(past).path("message").asText()).contains("'send-at' 2020-12-01T08:00:00-03:00 is already past",
                "give a time still ahead");

        ResponseEntity<String> unreadable = upload("ilegivel.csv", csv, "amanhã às 8", null);
        assertThat(unreadable.getStatusCode().value()).as(unreadable.getBody()).isEqualTo(422);
        assertThat(json(unreadable).path("message").asText()).contains("ISO-8601", "2026-12-01T08:00:00-03:00")
                .doesNotContain("Exception");

        ResponseEntity<String> noOffset = upload("sem-fuso.csv", csv, "2099-12-01T08:00:00", null);
        assertThat(noOffset.getStatusCode().value()).as(noOffset.getBody()).isEqualTo(422);
        assertThat(json(noOffset).path("message").asText()).contains("with its offset");

        ResponseEntity<String> dryRun = upload("ensaio.csv", csv, "2099-12-01T08:00:00-03:00", "true");
        assertThat(dryRun.getStatusCode().value()).as(dryRun.getBody()).isEqualTo(422);
        assertThat(json(dryRun).path("message").asText()).contains("dry run sends nothing", "'send-at'");

        assertThat(campaignCount()).isEqualTo(before);
        assertThat(requestsTo("5511970083003")).isEmpty();
    }

    private long campaignCount() throws IOException {
        return json(call(HttpMethod.GET, "/api/campaigns", null, null)).path("total").asLong();
    }
}
