package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.support.HeldResponses;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.verdict.PhoneNormalizer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The opt-out loop's ledger side (issue 10, points 5 and 6): an opt-out from any source stops at once
 * every queued message to the number, with or without its ninth digit, in every campaign; a claim that
 * comes after (or races) it is refused; the verdicts match either form; an opt-in takes the number off
 * again. Numbers +55 11 97600-0xxx and their eight-digit forms +55 11 7600-0xxx.
 */
class OptOutLoopTest extends ArautoTestBase {

    private static final List<String> HEADER = List.of("phone", "name", "code");

    @Autowired
    OptOutList optOuts;
    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anOptOutMidCampaignStopsTheRestOfThatNumbersSendsInEveryCampaign() throws Exception {
        String blocker = "5511976000001";
        String leaving = "5511976000002";
        String staying = "5511976000003";
        // the blocker's answer is held: its batch is out, so no other batch is taken meanwhile
        HeldResponses.Gate answer = HELD_RESPONSES.gateNamed("optout-mid-campaign");
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(blocker)))
                .withServeEventListener(HeldResponses.NAME, HeldResponses.gate("optout-mid-campaign"))
                .willReturn(aResponse().withStatus(200).withBody("{\"messages\":[{\"id\":\"wamid.optout-blocker\"}]}")));
        long first = campaign(row(2, "+" + blocker));
        try {
            assertThat(answer.awaitRequest(Duration.ofSeconds(20))).as("the blocker's request reached the provider").isTrue();
            long second = campaign(row(2, "+" + leaving), row(3, "+" + staying));
            long third = campaign(row(2, "+" + leaving));

            // Meta names the number without its ninth digit (wa_id 551176000002): the same number
            assertThat(optOuts.optOut("+551176000002", OptOutSource.REPLY, "replied 'Sair.'", Instant.parse("2026-11-29T12:00:00Z")))
                    .isTrue();

            // stopped in the opt-out's own commit, before any further batch
            for (long campaign : List.of(second, third)) {
                assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
                assertThat(reason(campaign, 2)).isEqualTo("The number opted out (Arauto opt-out list, source reply: "
                        + "the customer replied with a keyword) before it was sent.");
            }
            assertThat(status(second, 3)).isEqualTo("QUEUED");
            answer.open();
            await().atMost(Duration.ofSeconds(20)).until(() -> settled(first) && settled(second) && settled(third));
        } finally {
            answer.open();
        }
        assertThat(requestsTo(leaving)).isEmpty();
        assertThat(requestsTo(staying)).hasSize(1);

        assertThat(jdbc.queryForMap("select phone_e164, twin_e164, source, detail, created_at from opt_out where phone_e164 = ?",
                "+551176000002")).containsEntry("TWIN_E164", "+5511976000002").containsEntry("SOURCE", "reply")
                .containsEntry("DETAIL", "replied 'Sair.'");
        assertThat(jdbc.queryForMap("select kind, source, messages_stopped from opt_out_history where phone_e164 = ?", "+551176000002"))
                .containsEntry("KIND", "opt_out").containsEntry("SOURCE", "reply").containsEntry("MESSAGES_STOPPED", 2);
        assertThat(jdbc.queryForObject("select detail from audit where event = 'opt_out_recorded' and detail like ?", String.class,
                "%+551176000002%")).contains("\"source\":\"reply\"", "\"opted_out_at\":\"2026-11-29T12:00:00Z\"", "\"messages_stopped\":2");
    }

    /**
     * The claim of a message whose number is opting out right now waits for the opt-out's commit (the
     * opt-out holds the message's row) and is refused after it: it cannot claim the message in between.
     */
    @Test
    void aClaimRacingAnOptOutWaitsForItsCommitAndIsRefused() throws Exception {
        long campaign = untouchedCampaign(row(2, "+5511976000011"), row(3, "+5511976000012"));
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> claim = tx.execute(t -> {
                optOuts.optOut("+5511976000011", OptOutSource.BUTTON, "button 'Parar promoções'", Instant.now());
                Future<Boolean> racing = sender.submit(() -> messages.markSending(campaign, 2));
                // not committed yet: the claim waits for the message's row rather than taking the message
                await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                        "select count(*) from information_schema.sessions where blocker_id is not null", Integer.class) > 0);
                assertThat(racing).isNotDone();
                return racing;
            });
            assertThat(claim.get(20, TimeUnit.SECONDS)).isFalse();
        } finally {
            sender.shutdownNow();
        }
        assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
        assertThat(messages.markSending(campaign, 3)).as("another number of the campaign").isTrue();
    }

    /**
     * Messages the opt-out could not stop, because they were not QUEUED when it committed (one was being
     * sent and came back for a retry, one was read from a file judged against the list as it was before),
     * are refused by their claim, whichever form of the number the list holds.
     */
    @Test
    void aMessageQueuedAgainOrReadAfterTheOptOutIsNeverClaimedInEitherForm() throws Exception {
        // its file still being read (row 5 comes later), then sendable by the test only (untouched)
        long campaign = created(row(2, "+5511976000021"), row(3, "+5511976000022"));
        jdbc.update("update message set status = 'SENDING' where campaign_id = ? and row_num = 2", campaign); // being sent meanwhile

        assertThat(optOuts.optOut("+551176000021", OptOutSource.USER_PREFERENCES, "marketing messages stopped", Instant.now())).isTrue();
        assertThat(status(campaign, 2)).isEqualTo("SENDING");
        messages.retryLater(campaign, 2, Instant.now(), "131000", "Something went wrong; trying again.");
        messages.insert(campaign, List.of(row(5, "+5511976000021")));
        untouched(campaign);

        assertThat(messages.markSending(campaign, 2)).as("queued again for a retry, the number listed without its ninth digit").isFalse();
        assertThat(messages.markSending(campaign, 5)).as("read after the opt-out").isFalse();
        assertThat(messages.markSending(campaign, 3)).as("another number").isTrue();
    }

    @Test
    void theVerdictsMatchANumberWithOrWithoutItsNinthDigitBothWays() throws Exception {
        optOuts.optOut("+551176000031", OptOutSource.USER_PREFERENCES, "marketing messages stopped", Instant.now());
        optOuts.optOut("+5511976000032", OptOutSource.OPERATOR, "asked at the shop", Instant.now());

        OptOutList.Snapshot snapshot = optOuts.snapshot();
        assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+5511976000031"))).isEqualTo(OptOutList.ARAUTO);
        assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+551176000031"))).isEqualTo(OptOutList.ARAUTO);
        assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+551176000032"))).isEqualTo(OptOutList.ARAUTO);
        // the CRM writes '+55 (11) 97777-6666'; Meta may name it 551177776666
        assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+551177776666"))).isEqualTo(OptOutList.CRM);
        // a landline is not a mobile without its ninth digit: +55 11 3760-0031 is another number than +55 11 93760-0031
        optOuts.optOut("+551137600031", OptOutSource.OPERATOR, "landline", Instant.now());
        assertThat(optOuts.snapshot().sourceOf(PhoneNormalizer.toKey("+5511937600031"))).isNull();
        assertThat(optOuts.optedOut(List.of("+5511976000031", "+551176000032", "+5511937600031", "+551177776666")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("+5511976000031", OptOutList.ARAUTO, "+551176000032", OptOutList.ARAUTO,
                        "+551177776666", OptOutList.CRM));

        // and through a file: the row with the ninth digit is judged OPTED_OUT, the one next to it is sent
        Path file = drop("aviso_simples", "nono-digito.csv",
                "telefone,nome,codigo\n(11) 97600-0031,Ana,1\n(11) 97600-0033,Bia,2\n".getBytes(StandardCharsets.UTF_8));
        awaitTaken(file);
        long campaign = await().atMost(Duration.ofSeconds(20)).until(
                () -> jdbc.queryForList("select id from campaign where name = 'nono-digito.csv'", Long.class), ids -> ids.size() == 1).get(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> settled(campaign));
        assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
        assertThat(reason(campaign, 2)).isEqualTo("The number opted out (Arauto opt-out list).");
        assertThat(status(campaign, 3)).isEqualTo("SENT");
        assertThat(requestsTo("5511976000031")).isEmpty();
    }

    @Test
    void anOptInTakesTheNumberOffTheListInEitherFormKeepingItsHistory() throws Exception {
        String nine = "+5511976000041";
        assertThat(optOuts.optOut(nine, OptOutSource.OPERATOR, "asked at the shop", Instant.parse("2026-11-29T10:00:00Z"))).isTrue();
        assertThat(optOuts.optOut("+551176000041", OptOutSource.REPLY, "STOP", Instant.now())).as("already listed in the other form")
                .isFalse();

        assertThat(optOuts.optIn("+551176000041", OptOutSource.REPLY, Instant.parse("2026-11-29T11:00:00Z"))).isTrue();
        assertThat(optOuts.optIn(nine, OptOutSource.OPERATOR, Instant.now())).as("nothing left to remove").isFalse();

        assertThat(jdbc.queryForObject("select count(*) from opt_out where phone_e164 in (?, ?)", Integer.class, nine, "+551176000041"))
                .isZero();
        assertThat(jdbc.queryForList("select kind || ' ' || source || ' ' || phone_e164 from opt_out_history where phone_e164 in (?, ?) "
                + "order by id", String.class, nine, "+551176000041"))
                .containsExactly("opt_out operator +5511976000041", "opt_in reply +551176000041");
        assertThat(jdbc.queryForList("select event from audit where detail like ? order by id", String.class, "%76000041%"))
                .containsExactly("opt_out_recorded", "opt_in_recorded");
        assertThat(jdbc.queryForObject("select detail from audit where event = 'opt_in_recorded' and detail like ?", String.class,
                "%76000041%")).contains("\"source\":\"reply\"", "\"opted_in_at\":\"2026-11-29T11:00:00Z\"");

        assertThat(optOuts.snapshot().sourceOf(PhoneNormalizer.toKey(nine))).isNull();
        long campaign = campaign(row(2, nine));
        await().atMost(Duration.ofSeconds(20)).until(() -> settled(campaign));
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(requestsTo(nine.substring(1))).hasSize(1);
    }

    @Test
    void aNumberNotInE164FormIsRefusedAndNothingIsWritten() {
        assertThatThrownBy(() -> optOuts.optOut("551176000061", OptOutSource.REPLY, "SAIR", Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("E.164").hasMessageNotContaining("551176000061");
        assertThatThrownBy(() -> optOuts.optIn(null, OptOutSource.OPERATOR, Instant.now())).isInstanceOf(IllegalArgumentException.class);
        assertThat(jdbc.queryForObject("select count(*) from opt_out_history where phone_e164 like ?", Integer.class, "%76000061"))
                .isZero();
    }

    /** Meta's 131050 for one campaign's message stops the number's queued messages in the others too. */
    @Test
    void metasMarketingStopForOneMessageStopsTheNumbersOtherQueuedMessages() {
        String to = "5511976000051";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Unable to deliver the message. This recipient has chosen to stop receiving "
                                + "marketing messages on WhatsApp from your business\",\"type\":\"OAuthException\",\"code\":131050,"
                                + "\"fbtrace_id\":\"A1\"}}")));
        long waiting = untouchedCampaign(row(2, "+" + to)); // not sent before a hundred years from now
        long campaign = campaign(row(2, "+" + to));

        await().atMost(Duration.ofSeconds(20)).until(() -> settled(campaign));
        assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
        assertThat(status(waiting, 2)).isEqualTo("OPTED_OUT");
        assertThat(reason(waiting, 2)).contains("source meta-131050");
        assertThat(requestsTo(to)).hasSize(1);
    }

    private long campaign(JudgedRow... rows) {
        long id = created(rows);
        campaigns.markRead(id, rows.length, true);
        return id;
    }

    /**
     * A campaign no sender touches, whose messages the test claims itself: ACTIVE (only an active campaign's messages
     * may be claimed) with a send-at in a hundred years (the sender takes none of them before).
     */
    private long untouchedCampaign(JudgedRow... rows) {
        return untouched(created(rows));
    }

    private long untouched(long id) {
        jdbc.update("update campaign set status = 'ACTIVE', send_at = ? where id = ?",
                java.sql.Timestamp.from(Instant.now().plus(Duration.ofDays(36_500))), id);
        return id;
    }

    /** A campaign whose file is being read, its rows in the ledger. */
    private long created(JudgedRow... rows) {
        long id = campaigns.create("optout-loop.csv", "aviso_simples", "test", "aviso_simples/optout-loop.csv", "o", HEADER);
        messages.insert(id, List.of(rows));
        return id;
    }

    private static JudgedRow row(int number, String e164) {
        return new JudgedRow(number, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Name", "C-" + number));
    }

    private boolean settled(long campaign) {
        return campaigns.find(campaign).orElseThrow().settledAt() != null;
    }

    private String status(long campaign, int row) {
        return jdbc.queryForObject("select status from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private String reason(long campaign, int row) {
        return jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }
}
