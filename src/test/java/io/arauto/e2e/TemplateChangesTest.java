package io.arauto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.HeldResponses;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.arauto.e2e.ArautoTestBase.CLOUD_API;
import static io.arauto.e2e.ArautoTestBase.HELD_RESPONSES;
import static io.arauto.e2e.ArautoTestBase.MESSAGES;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The templates file is read again whenever it changes (TemplateCatalog compares its modification
 * time at every look-up). What happens to a campaign whose template is edited or removed between
 * the reading of its file and its messages, before the first one or half-way through. Messages go
 * one per send round here (batch size 1), so "half-way" is a moment the test can hold.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
class TemplateChangesTest {

    static final Path DATA_DIR = tempDir("arauto-templates-");
    static final Path TEMPLATES = DATA_DIR.resolve("templates.yml");
    static final String LEMBRETE = "lembrete:\n  language: pt_BR\n  body: \"Olá {{1}}, seu código é {{2}}.\"\n";
    static final String OUTRO = "outro:\n  language: pt_BR\n  body: \"Oi {{1}}.\"\n";
    static final Instant START = Instant.now();
    static final AtomicInteger VERSIONS = new AtomicInteger();
    static final List<String> HEADER = List.of("phone", "name", "code");
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        templates(LEMBRETE + OUTRO);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ArautoTestBase.appOn(DATA_DIR, registry);
        registry.add("arauto.templates-file", TEMPLATES::toString);
        // one message at a time (one send thread, batches of one): "half-way" is then the message being sent
        registry.add("arauto.send.batch-size", () -> "1");
        registry.add("arauto.send.concurrency", () -> "1");
    }

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    JdbcTemplate ledger;

    @Test
    void aTemplateRemovedAfterTheFileWasReadFailsItsMessagesSayingWhy() {
        templates(LEMBRETE + OUTRO);
        long campaign = readCampaign("5511972000001", "5511972000002");
        templates(OUTRO);

        campaigns.markRead(campaign, 2, true);

        awaitSettled(campaign);
        for (int row : List.of(2, 3)) {
            assertThat(status(campaign, row)).isEqualTo("FAILED");
            assertThat(reason(campaign, row)).contains("There is no template named 'lembrete'");
        }
        assertThat(ArautoTestBase.requestsTo("5511972000001")).isEmpty();
        assertThat(ArautoTestBase.requestsTo("5511972000002")).isEmpty();
    }

    @Test
    void aTemplateEditedAfterTheFileWasReadIsSentAsEdited() throws Exception {
        templates(LEMBRETE + OUTRO);
        long campaign = readCampaign("5511972000011", "5511972000012");
        templates(LEMBRETE.replace("pt_BR", "en_US") + OUTRO);

        campaigns.markRead(campaign, 2, true);

        awaitSettled(campaign);
        assertThat(languageSentTo("5511972000011")).isEqualTo("en_US");
        assertThat(languageSentTo("5511972000012")).isEqualTo("en_US");
    }

    @Test
    void aTemplateRemovedHalfWayThroughItsCampaignSendsNothingMoreOfIt() throws Exception {
        templates(LEMBRETE + OUTRO);
        HeldResponses.Gate first = holdTheAnswerTo("5511972000021", "removed-half-way");
        long campaign = readCampaign("5511972000021", "5511972000022", "5511972000023");
        campaigns.markRead(campaign, 3, true);

        assertThat(first.awaitRequest(Duration.ofSeconds(20))).as("the first message is on its way").isTrue();
        try {
            templates(OUTRO);
        } finally {
            first.open();
        }

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        for (int row : List.of(3, 4)) {
            assertThat(status(campaign, row)).isEqualTo("FAILED");
            assertThat(reason(campaign, row)).contains("There is no template named 'lembrete'");
        }
        assertThat(ArautoTestBase.requestsTo("5511972000022")).isEmpty();
        assertThat(ArautoTestBase.requestsTo("5511972000023")).isEmpty();
    }

    @Test
    void aTemplateEditedHalfWayThroughItsCampaignIsSentAsEditedFromTheNextMessage() throws Exception {
        templates(LEMBRETE + OUTRO);
        HeldResponses.Gate first = holdTheAnswerTo("5511972000031", "edited-half-way");
        long campaign = readCampaign("5511972000031", "5511972000032", "5511972000033");
        campaigns.markRead(campaign, 3, true);

        assertThat(first.awaitRequest(Duration.ofSeconds(20))).as("the first message is on its way").isTrue();
        try {
            templates(LEMBRETE.replace("pt_BR", "en_US") + OUTRO);
        } finally {
            first.open();
        }

        awaitSettled(campaign);
        assertThat(languageSentTo("5511972000031")).isEqualTo("pt_BR");
        assertThat(languageSentTo("5511972000032")).isEqualTo("en_US");
        assertThat(languageSentTo("5511972000033")).isEqualTo("en_US");
    }

    /** A campaign of template 'lembrete' whose rows are all in the ledger but which is not sendable yet (READING). */
    private long readCampaign(String... phones) {
        long campaign = campaigns.create("lembretes.csv", "lembrete", "test", "lembrete/lembretes.csv", "sha-" + phones[0], HEADER);
        List<JudgedRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < phones.length; i++) {
            rows.add(new JudgedRow(i + 2, phones[i], "+" + phones[i], MessageStatus.QUEUED, null, List.of(phones[i], "Ana", "C-" + i)));
        }
        messages.insert(campaign, rows);
        return campaign;
    }

    /** The Cloud API stand-in answers {@code phone} only once the test opens the returned gate. */
    private static HeldResponses.Gate holdTheAnswerTo(String phone, String gate) {
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(phone)))
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate(gate))
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid." + gate + "\"}]}")));
        return HELD_RESPONSES.gateNamed(gate);
    }

    /** Rewrites the templates file with a modification time of its own (the catalog compares times, not contents). */
    private static void templates(String yaml) {
        try {
            Files.writeString(TEMPLATES, yaml);
            Files.setLastModifiedTime(TEMPLATES, FileTime.from(START.plusSeconds(VERSIONS.incrementAndGet())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitSettled(long campaign) {
        await().atMost(Duration.ofSeconds(30)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
    }

    private String status(long campaign, int row) {
        return ledger.queryForObject("select status from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private String reason(long campaign, int row) {
        return ledger.queryForObject("select reason from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }


    private static String languageSentTo(String phone) throws IOException {
        List<LoggedRequest> requests = ArautoTestBase.requestsTo(phone);
        assertThat(requests).as("messages to %s", phone).hasSize(1);
        JsonNode body = JSON.readTree(requests.get(0).getBodyAsString());
        return body.at("/template/language/code").asText();
    }
}
