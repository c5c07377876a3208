package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.health.Health;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.report.CampaignReporter;
import io.arauto.support.HeldResponses;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meta's error codes, each answered with the body Meta documents, and what becomes of the row, the
 * campaign and the health (README, "Meta's error codes"). Unit-level: CloudApiResponsesTest reads
 * every code of the table into its action; here each action is shown end to end.
 */
class MetaErrorsTest extends ArautoTestBase {

    private static final List<String> HEADER = List.of("phone", "name", "code");

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    CampaignReporter reporter;
    @Autowired
    HealthEndpoint health;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void perMessageRefusalsFailTheMessageWithMetasCodeTitleAndDetails() {
        Map<String, String[]> answers = new LinkedHashMap<>(); // number -> code, title, details
        answers.put("5511970001001", new String[] {"131026", "Message Undeliverable", "Unable to deliver message."});
        answers.put("5511970001002", new String[] {"131047", "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number."});
        answers.put("5511970001003", new String[] {"131048", "Spam rate limit hit",
                "Message failed to send because there are restrictions on how many messages can be sent from this phone number."});
        answers.put("5511970001004", new String[] {"131051", "Unsupported message type", "Message type is not currently supported."});
        answers.put("5511970001005", new String[] {"131052", "Media download error", "Unable to download the media sent by the user."});
        answers.put("5511970001006", new String[] {"131053", "Media upload error", "Unable to upload the media used in the message."});
        answers.put("5511970001007", new String[] {"131049", "This message was not delivered to maintain healthy ecosystem engagement.",
                "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."});
        answers.put("5511970001008", new String[] {"100", "Invalid parameter", "Parameter value is not valid"});
        List<JudgedRow> rows = new ArrayList<>();
        answers.forEach((to, a) -> {
            stub(to, 400, metaError(a[0], a[1], a[2]));
            rows.add(row(rows.size() + 2, "+" + to));
        });

        long campaign = campaign(rows.toArray(JudgedRow[]::new));

        awaitSettled(campaign);
        int row = 2;
        for (Map.Entry<String, String[]> answer : answers.entrySet()) {
            String[] a = answer.getValue();
            assertThat(status(campaign, row)).as(a[0]).isEqualTo("FAILED");
            assertThat(column("error_code", campaign, row)).isEqualTo(a[0]);
            assertThat(reason(campaign, row)).as(a[0]).contains("Meta answered " + a[0], a[1], a[2]).doesNotContain("(#");
            assertThat(requestsTo(answer.getKey())).as(a[0]).hasSize(1);
            row++;
        }
        assertThat(reason(campaign, 8)).contains("again after 24 hours");
        assertThat(reason(campaign, 2)).doesNotContain("24 hours");
    }

    @Test
    void aNumberThatStoppedMarketingMessagesIsOptedOutAndNeverMessagedAgain() {
        String to = "5511970001101";
        stub(to, 400, metaError("131050", "Unable to deliver the message. This recipient has chosen to stop receiving marketing "
                + "messages on WhatsApp from your business", ""));

        long campaign = campaign(row(2, "+" + to));

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
        assertThat(column("error_code", campaign, 2)).isEqualTo("131050");
        assertThat(reason(campaign, 2)).contains("stop receiving marketing messages", "Arauto's opt-out list");
        assertThat(jdbc.queryForObject("select source from opt_out where phone_e164 = ?", String.class, "+" + to)).isEqualTo("meta-131050");

        long later = campaign(row(2, "+" + to));
        awaitSettled(later);
        assertThat(status(later, 2)).isEqualTo("OPTED_OUT");
        assertThat(requestsTo(to)).hasSize(1);
    }

    @Test
    void aTemplateErrorPausesItsCampaignWithItsRowsQueuedUntilResumed() throws Exception {
        Map<String, String[]> codes = new LinkedHashMap<>();
        codes.put("132001", new String[] {"Template name does not exist in the translation", "template name (aviso_simples) does not exist in pt_BR"});
        codes.put("132000", new String[] {"Number of parameters does not match the expected number of params",
                "body: number of localizable_params (2) does not match the expected number of params (3)"});
        codes.put("132012", new String[] {"Parameter format does not match format in the created template",
                "header: Format mismatch, expected IMAGE, received UNKNOWN"});
        codes.put("132015", new String[] {"Template is Paused", "Template is paused due to low quality."});
        codes.put("132016", new String[] {"Template is Disabled", "Template has been paused too many times due to low quality."});
        Map<String, Long> paused = new LinkedHashMap<>();
        Map<String, StubMapping> stubs = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<String, String[]> code : codes.entrySet()) {
            String first = "55119700012" + n + "1";
            String second = "55119700012" + n + "2";
            stubs.put(code.getKey(), CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.to", matching(first + "|" + second)))
                    .willReturn(json(400, metaError(code.getKey(), code.getValue()[0], code.getValue()[1])))));
            paused.put(code.getKey(), campaign(row(2, "+" + first), row(3, "+" + second)));
            n++;
        }

        for (Map.Entry<String, Long> campaign : paused.entrySet()) {
            long id = campaign.getValue();
            await().atMost(Duration.ofSeconds(20)).until(() -> "PAUSED".equals(campaignStatus(id))
                    && jdbc.queryForObject("select count(*) from message where campaign_id = ? and status <> 'QUEUED'", Integer.class, id) == 0);
            String[] meta = codes.get(campaign.getKey());
            String pauseReason = jdbc.queryForObject("select paused_reason from campaign where id = ?", String.class, id);
            assertThat(pauseReason).contains("The campaign is paused", "Meta answered " + campaign.getKey(), meta[0], meta[1]);
            assertThat(reason(id, 2)).isEqualTo(pauseReason);
            assertThat(reason(id, 3)).isEqualTo(pauseReason);
            assertThat(jdbc.queryForObject("select max(attempts) from message where campaign_id = ?", Integer.class, id))
                    .as("a paused campaign's tries do not count against its messages").isZero();
        }
        Map<Long, Integer> requestsWhenPaused = new LinkedHashMap<>();
        paused.values().forEach(id -> requestsWhenPaused.put(id, requestsToCampaign(id)));
        assertThat(health.healthForPath("sending").getStatus()).isEqualTo(Status.UP); // other campaigns go on
        assertThat(((Health) health.healthForPath("sending")).getDetails().get("pausedCampaigns").toString())
                .contains(String.valueOf(paused.get("132001")));

        // a campaign dropped after them is sent: the queue went round, and the paused ones stayed out of it
        long other = campaign(row(2, "+5511970001299"));
        awaitSettled(other);
        assertThat(status(other, 2)).isEqualTo("SENT");
        paused.values().forEach(id -> assertThat(requestsToCampaign(id)).as("campaign %d while paused", id).isEqualTo(requestsWhenPaused.get(id)));

        long first = paused.get("132001");
        Path report = reporter.csvFile(campaigns.find(first).orElseThrow());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(report)
                && Files.readString(report, StandardCharsets.UTF_8).contains("The campaign is paused: Meta answered 132001"));

        CLOUD_API.removeStub(stubs.get("132001")); // the template was fixed at Meta
        assertThat(campaigns.resume(first)).isTrue();
        assertThat(campaigns.resume(first)).as("only once").isFalse();
        awaitSettled(first);
        assertThat(status(first, 2)).isEqualTo("SENT");
        assertThat(status(first, 3)).isEqualTo("SENT");
        assertThat(reason(first, 2)).isNull();
        assertThat(jdbc.queryForObject("select max(attempts) from message where campaign_id = ?", Integer.class, first)).isEqualTo(1);
    }

    @Test
    void anAccountErrorHaltsAllSendingUntilAProbeGoesThrough() throws Exception {
        String to = "5511970001301";
        String waiting = "5511970001302";
        HeldResponses.Gate probe = HELD_RESPONSES.gateNamed("probe");
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("token").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("new token")
                .willReturn(json(401, metaError("190", "Error validating access token: Session has expired on Friday, "
                        + "01-Aug-25 10:00:00 PDT. The current time is Saturday, 02-Aug-25 09:00:00 PDT.", ""))));
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("token").whenScenarioStateIs("new token")
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("probe"))
                .willReturn(json(200, "{\"messages\":[{\"id\":\"wamid.probe\"}]}")));

        long campaign = campaign(row(2, "+" + to));

        await().atMost(Duration.ofSeconds(20)).until(() -> "QUEUED".equals(status(campaign, 2)) && reason(campaign, 2) != null);
        assertThat(reason(campaign, 2)).contains("all sending is halted", "Meta answered 190", "Session has expired");
        assertThat(column("attempts", campaign, 2)).isEqualTo("0");
        HealthComponent halted = health.healthForPath("sending");
        assertThat(halted.getStatus()).isEqualTo(Status.DOWN);
        assertThat(((Health) halted).getDetails().get("reason").toString()).contains("All sending is halted", "190", "Session has expired");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        assertThat(probe.awaitRequest(Duration.ofSeconds(20))).as("one message goes as a probe").isTrue();
        Instant answered;
        long later;
        try {
            later = campaign(row(2, "+" + waiting)); // dropped while halted: waits for the probe's answer
            assertThat(health.healthForPath("sending").getStatus()).isEqualTo(Status.DOWN);
            assertThat(status(later, 2)).isEqualTo("QUEUED");
        } finally {
            answered = Instant.now();
            probe.open();
        }

        awaitSettled(campaign);
        awaitSettled(later);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(status(later, 2)).isEqualTo("SENT");
        assertThat(health.healthForPath("sending").getStatus()).isEqualTo(Status.UP);
        List<LoggedRequest> tries = requestsTo(to);
        assertThat(tries).hasSize(2);
        assertThat(Duration.between(tries.get(0).getLoggedDate().toInstant(), tries.get(1).getLoggedDate().toInstant()))
                .as("the probe waits for its interval").isGreaterThanOrEqualTo(HALT_PROBE_EVERY.minusMillis(100));
        assertThat(requestsTo(waiting)).singleElement()
                .satisfies(r -> assertThat(r.getLoggedDate().toInstant()).as("sent only once the probe went through").isAfterOrEqualTo(answered));
        assertThat(column("attempts", campaign, 2)).as("the halted try does not count").isEqualTo("1");
    }

    @Test
    void metasRateLimitHoldsAllSendingForTheRetryAfter() {
        String to = "5511970001401";
        String other = "5511970001402";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("throughput").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("calm")
                .willReturn(json(429, metaError("130429", "Rate limit hit", "Cloud API message throughput has been reached."))
                        .withHeader("Retry-After", "2")));

        long campaign = campaign(row(2, "+" + to));
        await().atMost(Duration.ofSeconds(20)).until(() -> reason(campaign, 2) != null && reason(campaign, 2).startsWith("Waiting"));
        assertThat(reason(campaign, 2)).contains("Meta answered 130429", "Rate limit hit", "all sending waits until");
        long second = campaign(row(2, "+" + other)); // another campaign waits as well

        awaitSettled(campaign);
        awaitSettled(second);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(status(second, 2)).isEqualTo("SENT");
        Instant throttled = requestsTo(to).get(0).getLoggedDate().toInstant();
        assertThat(requestsTo(to)).hasSize(2);
        assertThat(Duration.between(throttled, requestsTo(to).get(1).getLoggedDate().toInstant())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(Duration.between(throttled, requestsTo(other).get(0).getLoggedDate().toInstant()))
                .as("the other campaign's message waited for Meta's Retry-After too").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(column("attempts", campaign, 2)).as("a rate-limited try does not count").isEqualTo("1");
    }

    @Test
    void tooManyMessagesToOneNumberDelaysOnlyThatNumber() {
        String busy = "5511970001501";
        String calm = "5511970001502";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(busy)))
                .inScenario("pair").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("later")
                .willReturn(json(400, metaError("131056", "(Business Account, Consumer Account) pair rate limit hit",
                        "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."))));

        long campaign = campaign(row(2, "+" + busy), row(3, "+" + calm));

        // the other number is sent while this one waits with Meta's reason (its answer may come after the other's)
        await().atMost(Duration.ofSeconds(20)).until(() -> "SENT".equals(status(campaign, 3)) && "QUEUED".equals(status(campaign, 2))
                && String.valueOf(reason(campaign, 2)).contains("Meta answered 131056"));
        assertThat(reason(campaign, 2)).contains("Meta answered 131056", "this number gets its message at");
        assertThat(requestsTo(busy)).as("one try so far: the second waits its 6 s").hasSize(1);
        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        List<LoggedRequest> tries = requestsTo(busy);
        assertThat(tries).hasSize(2);
        assertThat(Duration.between(tries.get(0).getLoggedDate().toInstant(), tries.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(5900));
        assertThat(column("attempts", campaign, 2)).isEqualTo("1");
    }

    @Test
    void passingFaultsAreRetriedWithGrowingWaitsThenFailed() {
        String to = "5511970001601";
        stub(to, 500, metaError("131000", "Something went wrong", "Message failed to send due to an unknown error."));

        long campaign = campaign(row(2, "+" + to));

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("FAILED");
        assertThat(column("error_code", campaign, 2)).isEqualTo("131000");
        assertThat(reason(campaign, 2)).contains("Something went wrong", "gave up after 5 attempts");
        List<LoggedRequest> tries = requestsTo(to);
        assertThat(tries).hasSize(5); // arauto.send.max-attempts
        // 300 ms doubling up to 1 s (ArautoTestBase), of which the jitter may take off half
        long[] least = {150, 300, 500, 500};
        for (int i = 1; i < tries.size(); i++) {
            assertThat(Duration.between(tries.get(i - 1).getLoggedDate().toInstant(), tries.get(i).getLoggedDate().toInstant()))
                    .as("wait before attempt %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(least[i - 1] - 20));
        }
    }

    @Test
    void aServerErrorIsRetriedAndTheMessageCarriesItsLedgerKeyAsCallbackData() {
        String to = "5511970001701";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("500").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(500).withBody("Internal Server Error")));

        long campaign = campaign(row(2, "+" + to));

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(column("attempts", campaign, 2)).isEqualTo("2");
        List<LoggedRequest> tries = requestsTo(to);
        assertThat(tries).hasSize(2).allSatisfy(r -> assertThat(r.getBodyAsString())
                .contains("\"biz_opaque_callback_data\":\"" + MessageLedger.key(campaign, 2) + "\""));
    }

    @Test
    void aConnectionResetAfterTheRequestLeftIsUncertainAndCanBeQueuedAgainOnRequest() {
        String to = "5511970001801";
        StubMapping reset = CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        long campaign = campaign(row(2, "+" + to), row(3, "+5511970001802"));

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("UNCERTAIN");
        assertThat(reason(campaign, 2)).contains("may have arrived");
        assertThat(requestsTo(to)).hasSize(1);
        assertThat(campaigns.requeueUncertain(campaign)).as("nothing else was uncertain").isEqualTo(1);

        CLOUD_API.removeStub(reset);
        assertThat(status(campaign, 2)).isIn("QUEUED", "SENDING", "SENT");
        await().atMost(Duration.ofSeconds(20)).until(() -> "SENT".equals(status(campaign, 2)));
        awaitSettled(campaign);
        assertThat(requestsTo(to)).hasSize(2);
        assertThat(requestsTo("5511970001802")).hasSize(1);
    }

    @Test
    void anIdTheLedgerCannotKeepStillLeavesTheMessageSentAndTheOthersUntouched() {
        String odd = "5511970001901";
        String longId = "wamid." + "A".repeat(300);
        stub(odd, 200, "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"" + longId + "\"}]}");
        List<JudgedRow> rows = new ArrayList<>(List.of(row(2, "+" + odd)));
        for (int i = 0; i < 20; i++) {
            rows.add(row(3 + i, "+55119700019" + (10 + i)));
        }

        long campaign = campaign(rows.toArray(JudgedRow[]::new));

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(column("wamid", campaign, 2)).isNull();
        assertThat(reason(campaign, 2)).contains("Sent, but the provider's message id", "could not be kept");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ? and status = 'SENT' and wamid is not null",
                Integer.class, campaign)).isEqualTo(20);
        assertThat(requestsTo(odd)).hasSize(1);
    }

    private int requestsToCampaign(long id) {
        return jdbc.queryForList("select phone_e164 from message where campaign_id = ?", String.class, id).stream()
                .mapToInt(p -> requestsTo(p.substring(1)).size()).sum();
    }

    private static void stub(String to, int status, String body) {
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .willReturn(json(status, body)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** An error as Meta's Cloud API answers it (v16.0 and later: no error_subcode). */
    static String metaError(String code, String title, String details) {
        String data = details.isEmpty() ? "" : ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + details + "\"}";
        return "{\"error\":{\"message\":\"(#" + code + ") " + title + "\",\"type\":\"OAuthException\",\"code\":" + code + data
                + ",\"fbtrace_id\":\"AZjs0Pq1bN7\"}}";
    }

    private long campaign(JudgedRow... rows) {
        long id = campaigns.create("meta-errors.csv", "aviso_simples", "test", "aviso_simples/meta-errors.csv", "m" + System.nanoTime(), HEADER);
        messages.insert(id, List.of(rows));
        campaigns.markRead(id, rows.length, true);
        return id;
    }

    private static JudgedRow row(int number, String e164) {
        return new JudgedRow(number, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Name", "C-" + number));
    }

    private void awaitSettled(long campaign) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(campaignStatus(campaign)));
    }

    private String campaignStatus(long campaign) {
        return jdbc.queryForObject("select status from campaign where id = ?", String.class, campaign);
    }

    private String status(long campaign, int row) {
        return column("status", campaign, row);
    }

    private String reason(long campaign, int row) {
        return column("reason", campaign, row);
    }

    private String column(String column, long campaign, int row) {
        return jdbc.queryForObject("select " + column + " from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }
}
