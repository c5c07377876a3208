package io.arauto.e2e;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerRecovery;
import io.arauto.ledger.MessageLedger;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.support.HeldResponses;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sending from the ledger: each message at most once, retried only when the provider says it is
 * safe, opt-outs checked again just before sending, and nothing sent twice after a crash.
 */
class SendingTest extends ArautoTestBase {

    private static final List<String> HEADER = List.of("phone", "name", "code");

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    OptOutList optOuts;
    @Autowired
    LedgerRecovery recovery;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void throttledMessageIsSentAgainAfterRetryAfterAndOnlyOnceAccepted() {
        String to = "5511970000001";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("throttled").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("calm")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"error\":{\"message\":\"Too many messages\",\"code\":130429}}")));
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .inScenario("throttled").whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid.retried\"}]}")));

        long campaign = campaign(row(2, "+" + to, MessageStatus.QUEUED));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 2).equals("SENT"));
        List<LoggedRequest> requests = requestsTo(to);
        assertThat(requests).hasSize(2);
        assertThat(Duration.between(requests.get(0).getLoggedDate().toInstant(), requests.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(jdbc.queryForObject("select wamid from message where campaign_id = ? and row_num = 2", String.class, campaign))
                .isEqualTo("wamid.retried");
    }

    @Test
    void messageIsSendingInTheLedgerWhileItsRequestIsInFlight() throws InterruptedException {
        String to = "5511970000008";
        HeldResponses.Gate answer = HELD_RESPONSES.gateNamed("in-flight");
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("in-flight"))
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid.slow\"}]}")));

        long campaign = campaign(row(2, "+" + to, MessageStatus.QUEUED));

        assertThat(answer.awaitRequest(Duration.ofSeconds(20))).as("the request reached the provider").isTrue();
        try {
            assertThat(status(campaign, 2)).isEqualTo("SENDING"); // its answer is held back: the request is in flight
        } finally {
            answer.open();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 2).equals("SENT"));
        assertThat(requestsTo(to)).hasSize(1);
    }

    /** Meta's ids are unique, but a message it accepted is sent whatever id it gave: it must never be left SENDING. */
    @Test
    void aMessageIdTheProviderAnswersTwiceStillLeavesBothMessagesSent() {
        String first = "5511970000011";
        String second = "5511970000012";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", matching(first + "|" + second)))
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid.same-twice\"}]}")));

        long campaign = campaign(row(2, "+" + first, MessageStatus.QUEUED), row(3, "+" + second, MessageStatus.QUEUED));

        await().atMost(Duration.ofSeconds(20)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(status(campaign, 3)).isEqualTo("SENT");
        assertThat(requestsTo(first)).hasSize(1);
        assertThat(requestsTo(second)).hasSize(1);
    }

    @Test
    void numberThatOptedOutAfterTheFileWasReadIsNotSent() {
        String kept = "5511970000002";
        String leaving = "5511970000003";
        long campaign = campaigns.create("late-optout.csv", "aviso_simples", "test", "aviso_simples/late-optout.csv", "x", HEADER);
        messages.insert(campaign, List.of(row(2, "+" + kept, MessageStatus.QUEUED), row(3, "+" + leaving, MessageStatus.QUEUED)));
        optOuts.optOut("+" + leaving, OptOutSource.REPLY, "replied SAIR", Instant.now()); // after the rows were judged, before they are sent
        campaigns.markRead(campaign, 2, true);

        await().atMost(Duration.ofSeconds(20)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(status(campaign, 3)).isEqualTo("OPTED_OUT");
        assertThat(requestsTo(kept)).hasSize(1);
        assertThat(requestsTo(leaving)).isEmpty();
    }

    @Test
    void unansweredRequestMakesTheMessageUncertainAndItIsNotSentAgain() throws InterruptedException {
        String to = "5511970000004";
        HeldResponses.Gate answer = HELD_RESPONSES.gateNamed("unanswered");
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("unanswered"))
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid.late\"}]}")));

        long campaign = campaign(row(2, "+" + to, MessageStatus.QUEUED));

        assertThat(answer.awaitRequest(Duration.ofSeconds(20))).as("the request reached the provider").isTrue();
        try {
            // no answer comes: Arauto gives up after the read timeout
            await().atMost(READ_TIMEOUT.plusSeconds(20)).until(() -> status(campaign, 2).equals("UNCERTAIN"));
        } finally {
            answer.open(); // too late to change anything
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
        assertThat(reason(campaign, 2)).contains("may have arrived");
        assertThat(requestsTo(to)).hasSize(1);
    }

    @Test
    void workAbandonedByAStoppedArautoIsPutRightButWhatARunningOneIsDoingIsLeftAlone() {
        Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        long stale = sendingCampaign("+5511970000005");
        jdbc.update("update message set updated_at = ? where campaign_id = ?", longAgo, stale);
        long live = sendingCampaign("+5511970000009"); // another instance is waiting for Meta's answer right now
        long abandoned = campaigns.create("half.csv", "aviso_simples", "test", "aviso_simples/half.csv", "y", HEADER);
        messages.insert(abandoned, List.of(row(2, "+5511970000006", MessageStatus.QUEUED)));
        jdbc.update("update campaign set heartbeat_at = ? where id = ?", longAgo, abandoned);
        long beingRead = campaigns.create("reading.csv", "aviso_simples", "test", "aviso_simples/reading.csv", "w", HEADER);
        messages.insert(beingRead, List.of(row(2, "+5511970000010", MessageStatus.QUEUED)));

        recovery.recover();

        assertThat(status(stale, 2)).isEqualTo("UNCERTAIN");
        assertThat(reason(stale, 2)).contains("not sent again");
        assertThat(status(live, 2)).isEqualTo("SENDING");
        assertThat(campaigns.find(abandoned).orElseThrow().status().name()).isEqualTo("REJECTED");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, abandoned)).isZero();
        assertThat(campaigns.find(beingRead).orElseThrow().status().name()).isEqualTo("READING");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, beingRead)).isEqualTo(1);
        assertThat(requestsTo("5511970000005")).isEmpty();
        assertThat(requestsTo("5511970000006")).isEmpty();
        assertThat(requestsTo("5511970000010")).isEmpty();
    }

    /** An active campaign whose one message is SENDING (put there by hand, so no sender touches it, and marked as its claim would). */
    private long sendingCampaign(String e164) {
        long id = campaigns.create("sending.csv", "aviso_simples", "test", "aviso_simples/sending.csv", "v", HEADER);
        messages.insert(id, List.of(row(2, e164, MessageStatus.INVALID)));
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("update message set status = 'SENDING', updated_at = ? where campaign_id = ?", now, id);
        jdbc.update("insert into sending_mark (campaign_id, claimed_at) values (?, ?)", id, now);
        campaigns.markRead(id, 1, true);
        return id;
    }

    @Test
    void everyEventReachesTheAuditTableAsWell() {
        String to = "5511970000007";
        long campaign = campaign(row(2, "+" + to, MessageStatus.QUEUED));
        await().atMost(Duration.ofSeconds(20)).until(() -> status(campaign, 2).equals("SENT"));
        // the event is recorded just after the message is marked SENT, so it may land a moment later
        List<Map<String, Object>> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> jdbc.queryForList("select event, detail from audit where campaign_id = ? order by id", campaign),
                rows -> rows.stream().anyMatch(e -> "message_sent".equals(e.get("event"))));
        assertThat(events.toString()).contains("Hello Name, your code is C-2.");
    }

    private long campaign(JudgedRow... rows) {
        long id = campaigns.create("direct.csv", "aviso_simples", "test", "aviso_simples/direct.csv", "z", HEADER);
        messages.insert(id, List.of(rows));
        campaigns.markRead(id, rows.length, List.of(rows).stream().anyMatch(r -> r.status() == MessageStatus.QUEUED));
        return id;
    }

    private static JudgedRow row(int number, String e164, MessageStatus status) {
        return new JudgedRow(number, e164, e164, status, status == MessageStatus.QUEUED ? null : "test", List.of(e164, "Name", "C-" + number));
    }

    private String status(long campaign, int row) {
        return jdbc.queryForObject("select status from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private String reason(long campaign, int row) {
        return jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

}
