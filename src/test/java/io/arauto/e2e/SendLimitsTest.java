package io.arauto.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.send.SendGate;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.SettableClock;
import io.arauto.support.UsesTestTemplates;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.webhook.WebhookSignature;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.arauto.e2e.ArautoTestBase.CLOUD_API;
import static io.arauto.e2e.ArautoTestBase.MESSAGES;
import static io.arauto.e2e.ArautoTestBase.requestsTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daily tier and the send window as they run: a tier of 3 recipients per 24 hours, a window of
 * 08:00-20:00 in the recipient's time, on a clock the test moves, with the real routes sending to
 * the Cloud API stand-in; the metrics read over HTTP from /actuator/prometheus. Each test starts on
 * a day of its own, three days after the last, so the others' messages are out of its 24 hours.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
@Import(SendLimitsTest.TestClock.class)
@AutoConfigureObservability(tracing = false) // tests leave metrics out unless asked; /actuator/prometheus is what this one reads
class SendLimitsTest {

    static final Path DATA_DIR = tempDir("arauto-limits-");
    static final SettableClock CLOCK = new SettableClock(Instant.parse("2026-06-01T00:00:00Z"));
    static final List<String> HEADER = List.of("phone", "name", "code");
    static final int LIMIT = 3;
    static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");
    static final ZoneId MANAUS = ZoneId.of("America/Manaus");
    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ArautoTestBase.appOn(DATA_DIR, registry);
        registry.add("arauto.send.daily-limit", () -> LIMIT);
        registry.add("arauto.send.window", () -> "08:00-20:00");
        registry.add("arauto.send.default-time-zone", () -> "America/Sao_Paulo");
    }

    /** Arauto's clock is the test's. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        static BeanPostProcessor testClock() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return name.equals("clock") ? CLOCK : bean;
                }
            };
        }
    }

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    JdbcTemplate ledger;
    @Autowired
    SendGate gate;
    @LocalServerPort
    int port;

    /** Midnight (UTC) of a day three days after the clock's, so nothing sent before is within the last 24 hours. */
    private Instant today;

    @BeforeEach
    void aDayOfItsOwn() {
        today = CLOCK.instant().atZone(ZoneOffset.UTC).toLocalDate().plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant();
        CLOCK.set(today);
        assertThat(ledger.queryForObject("select count(*) from message where status in ('QUEUED', 'SENDING')", Integer.class))
                .as("what the tests before left waiting").isZero();
    }

    @Test
    void whenTheTierIsSpentNewNumbersWaitWithTheReasonAndGoOnByThemselvesOnceTheOldestAgesOut() throws IOException {
        at(SAO_PAULO, "12:00");
        Instant first = CLOCK.instant();
        List<String> to = List.of("+5511962000101", "+5511962000102", "+5511962000103", "+5511962000104", "+5511962000105");
        long campaign = campaign("tier.csv", to.toArray(String[]::new));

        // three numbers go, the other two wait until the first three are 24 hours old
        await().atMost(Duration.ofSeconds(20)).until(() -> count(campaign, "SENT") == 3 && waiting(campaign) == 2);
        assertThat(List.of(status(campaign, 2), status(campaign, 3), status(campaign, 4))).containsOnly("SENT");
        for (int row = 5; row <= 6; row++) {
            assertThat(status(campaign, row)).isEqualTo("QUEUED");
            assertThat(reason(campaign, row)).startsWith("Waiting: the daily limit of 3 recipients in 24 hours is reached; "
                    + "sending resumes around ");
            assertThat(nextAttempt(campaign, row)).isEqualTo(first.plus(Duration.ofHours(24)));
            assertThat(attempts(campaign, row)).as("waiting is not an attempt").isZero();
        }
        assertThat(requestsTo(digits(to.get(3)))).isEmpty();
        assertThat(requestsTo(digits(to.get(4)))).isEmpty();
        // the status file says why they wait; a rewrite between the gate's hold and the replies shows the three QUEUED or
        // SENDING until the next one, so the file is awaited whole, not only the two waiting
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<Integer, CsvRecord> lines = reportLines("tier", campaign);
            assertThat(lines).as("the status file").isNotNull().containsKeys(2, 3, 4, 5, 6);
            for (int row = 2; row <= 4; row++) {
                assertThat(lines.get(row).getField(3)).as("row %d", row).isEqualTo("SENT");
            }
            for (int row = 5; row <= 6; row++) {
                assertThat(lines.get(row).getField(3)).as("row %d", row).isEqualTo("QUEUED");
                assertThat(lines.get(row).getField(4)).as("row %d", row).contains("daily limit of 3 recipients", "sending resumes around");
            }
        });
        // ...and the health shows the spent budget
        JsonNode health = JSON.readTree(get("/actuator/health/dailyLimit"));
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.at("/details/limit").asInt()).isEqualTo(LIMIT);
        assertThat(health.at("/details/remaining").asInt()).isZero();
        assertThat(health.at("/details/reason").asText()).contains("daily limit of 3 recipients");

        // an hour later: a number messaged within the 24 hours costs nothing more, a new one waits
        CLOCK.advance(Duration.ofHours(1));
        long again = campaign("again.csv", to.get(0), "+5511962000106");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(again, 2).equals("SENT") && waiting(again) == 1);
        assertThat(requestsTo(digits(to.get(0)))).hasSize(2);
        assertThat(reason(again, 3)).contains("daily limit of 3 recipients");
        assertThat(nextAttempt(again, 3)).isEqualTo(first.plus(Duration.ofHours(24)));
        assertThat(requestsTo("5511962000106")).isEmpty();

        // 24 hours after the first three their places are free again and the waiting messages go by themselves, but the
        // number messaged again an hour later still holds one: two of the three new numbers go, the third waits an hour more
        CLOCK.set(first.plus(Duration.ofHours(24)));
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger.queryForList("select status, next_attempt_at from message "
                + "where phone_e164 in (?, ?, ?) order by status", to.get(3), to.get(4), "+5511962000106"), l -> l.size() == 3
                && "QUEUED".equals(l.get(0).get("status")) && "SENT".equals(l.get(1).get("status")) && "SENT".equals(l.get(2).get("status"))
                && first.plus(Duration.ofHours(25)).equals(((OffsetDateTime) l.get(0).get("next_attempt_at")).toInstant()));
        CLOCK.set(first.plus(Duration.ofHours(25)));
        await().atMost(Duration.ofSeconds(20)).until(() -> count(campaign, "SENT") == 5 && status(again, 3).equals("SENT"));
        for (String phone : List.of(to.get(1), to.get(2), to.get(3), to.get(4), "+5511962000106")) {
            assertThat(requestsTo(digits(phone))).as("requests to %s", phone).hasSize(1);
        }
        assertThat(reason(campaign, 5)).isNull();
    }

    /**
     * The dispatch takes the next batch while the last one is still being sent: the new numbers a batch was let
     * through with count until that batch is done with, or two batches could spend the same places.
     */
    @Test
    void theTierHoldsWhileTheNextBatchIsTakenBeforeTheLastIsDone() throws InterruptedException {
        at(SAO_PAULO, "12:00");
        // rows in the ledger of an ACTIVE campaign (only those may be claimed) whose send-at is a hundred years away:
        // nothing sends them, the test plays the dispatch
        long campaign = campaigns.create("overlap.csv", "aviso_simples", "test", "aviso_simples/overlap.csv", "overlap.csv", HEADER);
        List<String> to = List.of("+5511962000401", "+5511962000402", "+5511962000403", "+5511962000404", "+5511962000405");
        List<JudgedRow> rows = new ArrayList<>();
        List<QueuedMessage> queued = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            List<String> cells = List.of(to.get(i), "Name", "C-" + i);
            rows.add(new JudgedRow(i + 2, to.get(i), to.get(i), MessageStatus.QUEUED, null, cells));
            queued.add(new QueuedMessage(campaign, i + 2, to.get(i), 0, cells));
        }
        messages.insert(campaign, rows);
        ledger.update("update campaign set status = 'ACTIVE', send_at = ? where id = ?",
                java.sql.Timestamp.from(CLOCK.instant().plus(Duration.ofDays(36_500))), campaign);
        List<List<QueuedMessage>> admitted = new ArrayList<>();
        try {
            List<QueuedMessage> first = gate.admit(new ArrayList<>(queued.subList(0, 2)));
            admitted.add(first);
            assertThat(first).as("two new numbers of the three places").hasSize(2);
            // one of them claimed (the ledger counts it) while its batch still holds it: it counts once, not twice
            assertThat(messages.markSending(campaign, 2)).isTrue();

            List<QueuedMessage> second = gate.admit(new ArrayList<>(queued.subList(2, 5)));
            admitted.add(second);
            assertThat(second).as("the first batch, not yet claimed, still holds two places").extracting(QueuedMessage::e164)
                    .containsExactly(to.get(2));
            assertThat(waiting(campaign)).isEqualTo(2);

            // the first batch done with and none of it claimed (held back, say): its places are free again
            gate.done(first);
            List<QueuedMessage> third = gate.admit(new ArrayList<>(queued.subList(0, 2)));
            admitted.add(third);
            assertThat(third).hasSize(2);
        } finally {
            admitted.forEach(gate::done); // the next test has all three places
            ledger.update("delete from message where campaign_id = ?", campaign);
        }
    }

    @Test
    void theWindowIsTheRecipientsOwnSoSaoPauloGoesWhileManausAndLosAngelesWait() {
        at(SAO_PAULO, "08:30"); // 07:30 in Manaus, 04:30 in Los Angeles
        String saoPaulo = "+5511962000201";
        String manaus = "+5592960000202";
        String losAngeles = "+14155550100";
        long campaign = campaign("window.csv", saoPaulo, manaus, losAngeles);

        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 2).equals("SENT") && waiting(campaign) == 2);
        assertThat(reason(campaign, 3)).isEqualTo("Waiting: outside the send window 08:00-20:00 in the recipient's time "
                + "(America/Manaus); goes at 08:00.");
        assertThat(nextAttempt(campaign, 3)).isEqualTo(opening(MANAUS));
        assertThat(reason(campaign, 4)).isEqualTo("Waiting: outside the send window 08:00-20:00 in the recipient's time "
                + "(America/Los_Angeles); goes at 08:00.");
        assertThat(nextAttempt(campaign, 4)).isEqualTo(opening(ZoneId.of("America/Los_Angeles")));
        assertThat(requestsTo(digits(manaus))).isEmpty();
        assertThat(requestsTo(digits(losAngeles))).isEmpty();

        CLOCK.set(opening(MANAUS)); // 08:00 in Manaus
        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 3).equals("SENT"));
        assertThat(status(campaign, 4)).isEqualTo("QUEUED");
        assertThat(requestsTo(digits(losAngeles))).isEmpty();

        CLOCK.set(opening(ZoneId.of("America/Los_Angeles")));
        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 4).equals("SENT"));
        assertThat(requestsTo(digits(saoPaulo))).hasSize(1);
        assertThat(requestsTo(digits(manaus))).hasSize(1);
        assertThat(requestsTo(digits(losAngeles))).hasSize(1);
    }

    @Test
    void sendingMetricsAreScrapedOverHttp() throws IOException {
        at(SAO_PAULO, "08:30");
        String refused = "5511962000302";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(refused)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"(#131026) Message undeliverable\",\"type\":\"OAuthException\","
                                + "\"code\":131026,\"error_data\":{\"messaging_product\":\"whatsapp\","
                                + "\"details\":\"Message Undeliverable.\"},\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}")));
        double acceptedBefore = metric(scrape(), "arauto_send_attempts_total{code=\"none\",outcome=\"accepted\"}");
        long campaign = campaign("metrics.csv", "+5511962000301", "+" + refused, "+5592960000303"); // Manaus waits for 08:00

        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 2).equals("SENT") && status(campaign, 3).equals("FAILED")
                && waiting(campaign) == 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(metric(metrics, "arauto_send_attempts_total{code=\"none\",outcome=\"accepted\"}")).isEqualTo(acceptedBefore + 1);
            assertThat(metric(metrics, "arauto_send_attempts_total{code=\"131026\",outcome=\"rejected\"}")).isEqualTo(1);
            assertThat(metric(metrics, "arauto_messages{status=\"SENT\"}")).isGreaterThanOrEqualTo(1);
            assertThat(metric(metrics, "arauto_messages{status=\"FAILED\"}")).isGreaterThanOrEqualTo(1);
            assertThat(metric(metrics, "arauto_messages{status=\"QUEUED\"}")).isEqualTo(1);
            assertThat(metric(metrics, "arauto_send_queue_depth")).isEqualTo(1);
            // two numbers had a request today (the refused one too): one place of three is left
            assertThat(metric(metrics, "arauto_send_daily_limit")).isEqualTo((double) LIMIT);
            assertThat(metric(metrics, "arauto_send_daily_remaining")).isEqualTo(1);
            assertThat(metric(metrics, "arauto_send_paused{cause=\"daily-limit\"}")).isZero();
            assertThat(metric(metrics, "arauto_send_paused{cause=\"ledger\"}")).isZero();
            assertThat(metrics).contains("arauto_send_provider_latency_seconds_count");
        });

        CLOCK.set(opening(MANAUS)); // the last one goes, so the next test starts with nothing waiting
        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 4).equals("SENT"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(metric(scrape(), "arauto_send_paused{cause=\"daily-limit\"}")).as("3 of 3 used").isEqualTo(1));
    }

    /**
     * Meta's calls to the webhook, thousands a second under load, are not timed as HTTP requests (issue 10's benchmark: the
     * observation of each was part of what a call cost); every other request still is.
     */
    @Test
    void webhookCallsAreNotTimedAsHttpRequestsButOtherRequestsAre() throws IOException, InterruptedException {
        byte[] nothingToApply = "{\"object\": \"whatsapp_business_account\", \"entry\": []}".getBytes(StandardCharsets.UTF_8);
        assertThat(webhook(nothingToApply, new WebhookSignature(ArautoTestBase.WEBHOOK_SECRET).header(nothingToApply))).isEqualTo(200);
        assertThat(webhook(nothingToApply, "sha256=" + "0".repeat(64))).isEqualTo(401);

        // a scrape is timed once it is answered: a later one shows it, and by then the webhook's calls long were
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().contains("uri=\"/actuator/prometheus\""));
        assertThat(scrape()).contains("http_server_requests_seconds_count").doesNotContain("/webhooks/whatsapp");
    }

    private int webhook(byte[] body, String signature) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * A dry run on a tier partly spent: its status file says how many of the places left it would use, how many numbers
     * would wait for the tier, and that a number messaged today costs nothing more; nothing of it is sent. The intake's
     * metrics count it, and a rejected file, over HTTP.
     */
    @Test
    void aDryRunSaysHowMuchOfTheTierItWouldUseAndTheIntakeMetricsCountIt() throws IOException {
        at(SAO_PAULO, "12:00");
        String scrape = scrape();
        double dryRunsBefore = metric(scrape, "arauto_intake_files_total{outcome=\"dry_run\"}");
        double rejectedBefore = metric(scrape, "arauto_intake_files_total{outcome=\"rejected\"}");
        double queuedRowsBefore = metric(scrape, "arauto_intake_rows_total{dry_run=\"true\",verdict=\"QUEUED\"}");
        String messaged = "+5511962000501";
        long sent = campaign("before-dry-run.csv", messaged);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(sent, 2).equals("SENT"));

        // one place of three used: of four numbers, the one messaged today costs nothing, two of the three new ones fit
        List<String> to = List.of(messaged, "+5511962000502", "+5511962000503", "+5511962000504");
        StringBuilder csv = new StringBuilder("telefone,nome,codigo\n");
        to.forEach(phone -> csv.append(phone).append(",Name,C\n"));
        Path dry = ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "aviso_simples/dry-run", "tier-dry.csv",
                csv.toString().getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dry));
        long id = ledger.queryForObject("select id from campaign where source_file = 'aviso_simples/dry-run/tier-dry.csv'", Long.class);
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<Integer, CsvRecord> lines = reportLines("tier-dry", id);
                assertThat(lines).as("the status file").isNotNull().containsKeys(2, 3, 4, 5);
                for (int row = 2; row <= 5; row++) {
                    assertThat(lines.get(row).getField(3)).isEqualTo("QUEUED");
                    assertThat(lines.get(row).getField(4)).startsWith("Dry run: nothing was sent. 4 messages would go out, to 3 numbers "
                            + "that had none in the last 24 hours. They would use 2 of the 2 recipients left of the daily limit of 3 "
                            + "(arauto.send.daily-limit; 1 used in the last 24 hours); 1 would wait until numbers age out of the 24-hour "
                            + "window, the first at " + CLOCK.instant().plus(Duration.ofHours(24)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + ", so it would not finish today at the current rate.")
                            .contains("Only within the send window 08:00-20:00 (arauto.send.window)");
                }
            });
            assertThat(requestsTo(digits(to.get(1)))).isEmpty();
            assertThat(ledger.queryForObject("select status from campaign where id = ?", String.class, id)).isEqualTo("DRY_RUN");

            Path wrong = ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "no_such_template", "metrics-rejected.csv",
                    "telefone,nome\n+5511962000505,Ana\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(wrong));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = scrape();
                assertThat(metric(metrics, "arauto_intake_files_total{outcome=\"dry_run\"}")).isEqualTo(dryRunsBefore + 1);
                assertThat(metric(metrics, "arauto_intake_files_total{outcome=\"rejected\"}")).isEqualTo(rejectedBefore + 1);
                assertThat(metric(metrics, "arauto_intake_rows_total{dry_run=\"true\",verdict=\"QUEUED\"}")).isEqualTo(queuedRowsBefore + 4);
                assertThat(metrics).contains("arauto_intake_files_total{outcome=\"accepted\"}",
                        "arauto_intake_rows_total{dry_run=\"false\",verdict=\"INVALID\"}");
                assertThat(metric(metrics, "arauto_campaigns{state=\"DRY_RUN\"}")).isGreaterThanOrEqualTo(1);
                assertThat(metric(metrics, "arauto_campaigns{state=\"DONE\"}")).isGreaterThanOrEqualTo(1);
                assertThat(metrics).contains("arauto_campaigns{state=\"ACTIVE\"}");
            });
        } finally {
            ledger.update("delete from message where campaign_id = ?", id); // the next test starts with nothing QUEUED
        }
    }

    /** Today at {@code time} in {@code zone}. */
    private void at(ZoneId zone, String time) {
        CLOCK.set(ZonedDateTime.of(today.atZone(ZoneOffset.UTC).toLocalDate(), LocalTime.parse(time), zone).toInstant());
    }

    /** The next 08:00 in {@code zone}, after the clock. */
    private static Instant opening(ZoneId zone) {
        ZonedDateTime now = CLOCK.instant().atZone(zone);
        ZonedDateTime eight = now.toLocalDate().atTime(8, 0).atZone(zone);
        return (eight.toInstant().isAfter(CLOCK.instant()) ? eight : eight.plusDays(1)).toInstant();
    }

    private long campaign(String name, String... phones) {
        long id = campaigns.create(name, "aviso_simples", "test", "aviso_simples/" + name, name, HEADER);
        List<JudgedRow> rows = new ArrayList<>();
        for (int i = 0; i < phones.length; i++) {
            rows.add(new JudgedRow(i + 2, phones[i], phones[i], MessageStatus.QUEUED, null, List.of(phones[i], "Name", "C-" + (i + 2))));
        }
        messages.insert(id, rows);
        campaigns.markRead(id, rows.size(), true);
        return id;
    }

    private int count(long campaign, String status) {
        return ledger.queryForObject("select count(*) from message where campaign_id = ? and status = ?", Integer.class, campaign, status);
    }

    /** QUEUED messages held back with a reason. */
    private int waiting(long campaign) {
        return ledger.queryForObject("select count(*) from message where campaign_id = ? and status = 'QUEUED' "
                + "and reason like 'Waiting: %' and next_attempt_at is not null", Integer.class, campaign);
    }

    private String status(long campaign, int row) {
        return ledger.queryForObject("select status from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private String reason(long campaign, int row) {
        return ledger.queryForObject("select reason from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private int attempts(long campaign, int row) {
        return ledger.queryForObject("select attempts from message where campaign_id = ? and row_num = ?", Integer.class, campaign, row);
    }

    private Instant nextAttempt(long campaign, int row) {
        return ledger.queryForObject("select next_attempt_at from message where campaign_id = ? and row_num = ?", Timestamp.class,
                campaign, row).toInstant();
    }

    private static String digits(String e164) {
        return e164.substring(1);
    }

    private String get(String path) throws IOException {
        try {
            // health shows its components only to a caller with the API's token (generated into the data folder)
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + Files.readString(DATA_DIR.resolve("api-token")).strip()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String scrape() throws IOException {
        return get("/actuator/prometheus");
    }

    /** The value of one series, e.g. {@code name{label="value"}} (labels in name order); 0 when it is not there yet. */
    private static double metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0 && line.substring(0, space).replace(",}", "}").equals(series)) {
                return Double.parseDouble(line.substring(space + 1));
            }
        }
        return 0;
    }

    /** The campaign's status CSV by row number, or null while it is not in the outbox yet. */
    private static Map<Integer, CsvRecord> reportLines(String base, long campaign) throws IOException {
        Path report = DATA_DIR.resolve("outbox").resolve(base + "." + campaign + ".status.csv");
        if (!Files.exists(report)) {
            return null;
        }
        String text = new String(Files.readAllBytes(report), StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "");
        Map<Integer, CsvRecord> byRow = new HashMap<>();
        CsvReader.builder().ofCsvRecord(text).stream().skip(1).forEach(r -> byRow.put(Integer.parseInt(r.getField(0)), r));
        return byRow;
    }
}
