package io.arauto.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.audit.AuditLog;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.WebhookEvents;
import io.arauto.support.SettableClock;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.webhook.ReplyExpiry;
import io.arauto.webhook.WebhookApplier;
import io.arauto.webhook.WebhookSignature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meta's webhook as it runs: messages sent through the Cloud API stand-in, then Meta's calls, signed
 * with the app secret, posted over HTTP to /webhooks/whatsapp, their JSON as Meta's webhook reference
 * shows it. Each test uses numbers of its own (+55 11 95xxx-xxxx).
 */
class WhatsAppWebhookTest extends ArautoTestBase {

    private static final List<String> HEADER = List.of("phone", "name", "code");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final WebhookSignature SIGNER = new WebhookSignature(WEBHOOK_SECRET);

    @LocalServerPort
    int port;
    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    WebhookEvents events;
    @Autowired
    WebhookApplier applier;
    @Autowired
    AuditLog audit;
    @Autowired
    JdbcTemplate jdbc;

    // --- the endpoint --------------------------------------------------------------------------------------------

    @Test
    void subscriptionCheckEchoesTheChallengeOnlyForTheConfiguredToken() throws Exception {
        HttpResponse<String> ok = get("?hub.mode=subscribe&hub.verify_token=" + WEBHOOK_VERIFY_TOKEN + "&hub.challenge=1158201444");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");

        assertThat(get("?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444").statusCode()).isEqualTo(403);
        assertThat(get("?hub.mode=unsubscribe&hub.verify_token=" + WEBHOOK_VERIFY_TOKEN + "&hub.challenge=1").statusCode()).isEqualTo(403);
        assertThat(get("").statusCode()).isEqualTo(403);
    }

    @Test
    void forgedOrMissingSignaturesGet401AndChangeNothing() throws Exception {
        Sent m = sent("+5511950000101");
        byte[] body = statuses(status(m.wamid, "delivered", "5511950000101", null, null)).getBytes(StandardCharsets.UTF_8);
        long stored = storedEvents();

        assertThat(post(body, null).statusCode()).isEqualTo(401);
        assertThat(post(body, new WebhookSignature("not-the-app-secret").header(body)).statusCode()).isEqualTo(401);
        assertThat(post(body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
        assertThat(post(body, "sha256=zz").statusCode()).isEqualTo(401);
        assertThat(post(body, SIGNER.header(body).replace("sha256=", "sha1=")).statusCode()).isEqualTo(401);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("delivered", "read").getBytes(StandardCharsets.UTF_8);
        assertThat(post(tampered, SIGNER.header(body)).statusCode()).isEqualTo(401);

        assertThat(storedEvents()).isEqualTo(stored);
        assertThat(status(m)).isEqualTo("SENT");

        HttpResponse<String> ok = post(body, SIGNER.header(body));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("OK");
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
        assertThat(status(m)).isEqualTo("DELIVERED"); // applied before the 200
    }

    @Test
    void aBodyWithAccentsAndEmojiVerifiesAsItCameButNotOnceWrittenAgain() throws Exception {
        Sent m = sent("+5511950000201");
        String json = messagesFrom("5511950000201", "{\"from\": \"5511950000201\", \"id\": \"wamid.in.201\", \"timestamp\": \""
                + epoch() + "\", \"type\": \"text\", \"text\": {\"body\": \"Não, obrigação cumprida! Até mais 🙏😀\"}}");
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        String signature = SIGNER.header(raw);
        // the same JSON, parsed and written again as many libraries do: accents and emoji escaped, spaces dropped
        ObjectMapper escaping = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        byte[] reEncoded = escaping.writeValueAsBytes(escaping.readTree(raw));
        assertThat(escaping.readTree(reEncoded)).isEqualTo(escaping.readTree(raw));
        assertThat(reEncoded).isNotEqualTo(raw);

        assertThat(post(reEncoded, signature).statusCode()).isEqualTo(401);
        assertThat(status(m)).isEqualTo("SENT");
        assertThat(post(raw, signature).statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("REPLIED");
        // kept byte for byte as it came
        assertThat(jdbc.queryForObject("select payload from webhook_event where id = (select max(id) from webhook_event "
                + "where payload like '%wamid.in.201%')", String.class)).isEqualTo(json);
    }

    // --- statuses --------------------------------------------------------------------------------------------------

    @Test
    void statusesMoveOnlyForwardWhateverOrderAndHowOftenTheyCome() throws Exception {
        Sent m = sent("+5511950000301");
        assertThat(signedPost(statuses(status(m.wamid, "delivered", "5511950000301", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("DELIVERED");
        assertThat(signedPost(statuses(status(m.wamid, "read", "5511950000301", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("READ");
        // late, repeated and earlier ones change nothing, and are answered 200 all the same
        assertThat(signedPost(statuses(status(m.wamid, "delivered", "5511950000301", null, null))).statusCode()).isEqualTo(200);
        assertThat(signedPost(statuses(status(m.wamid, "read", "5511950000301", null, null))).statusCode()).isEqualTo(200);
        assertThat(signedPost(statuses(status(m.wamid, "sent", "5511950000301", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("READ");
        assertThat(auditDetails(m.campaign, "status_received")).hasSize(2) // DELIVERED and READ, once each
                .filteredOn(d -> d.contains("\"status\":\"READ\"")).hasSize(1);

        // one call carrying several statuses, the later one first, as Meta's batches may
        Sent other = sent("+5511950000302");
        assertThat(signedPost(statuses(status(other.wamid, "read", "5511950000302", null, null),
                status(other.wamid, "delivered", "5511950000302", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(other)).isEqualTo("READ");
    }

    @Test
    void failedKeepsMetasCodeTitleAndDetails() throws Exception {
        Sent m = sent("+5511950000401");
        String failed = status(m.wamid, "failed", "5511950000401", null, """
                "errors": [{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable",
                  "error_data": {"details": "Message Undeliverable."},
                  "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]""");
        assertThat(signedPost(statuses(failed)).statusCode()).isEqualTo(200);
        Map<String, Object> row = row(m);
        assertThat(row.get("status")).isEqualTo("FAILED");
        assertThat(row.get("error_code")).isEqualTo("131026");
        assertThat((String) row.get("reason")).contains("131026", "Message undeliverable", "Message Undeliverable.");
        assertThat(auditDetails(m.campaign, "status_received")).anySatisfy(d -> assertThat(d).contains("\"error_code\":\"131026\""));
        // a delivery reported after all goes further than the failure, as the ledger's order says
        assertThat(signedPost(statuses(status(m.wamid, "delivered", "5511950000401", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("DELIVERED");
    }

    @Test
    void aStatusFindsItsMessageByItsCallbackDataWhenTheIdIsUnknown() throws Exception {
        Sent m = sent("+5511950000501");
        String key = String.valueOf(MessageLedger.key(m.campaign, 2));
        assertThat(requestsTo("5511950000501").get(0).getBodyAsString()).contains("\"biz_opaque_callback_data\":\"" + key + "\"");
        assertThat(signedPost(statuses(status("wamid.not-the-one-arauto-kept", "delivered", "5511950000501", key, null)))
                .statusCode()).isEqualTo(200);
        assertThat(status(m)).isEqualTo("DELIVERED");
    }

    @Test
    void aStatusForAMessageArautoDoesNotKnowIsAuditedAndAnswered200() throws Exception {
        assertThat(signedPost(statuses(status("wamid.sent-by-someone-else", "read", "5511950000601", null, null))).statusCode())
                .isEqualTo(200);
        assertThat(jdbc.queryForList("select detail from audit where event = 'status_unmatched'", String.class))
                .anySatisfy(d -> assertThat(d).contains("wamid.sent-by-someone-else", "+5511950000601", "READ"));
    }

    // --- replies ---------------------------------------------------------------------------------------------------

    @Test
    void aTextReplyMarksTheLatestMessageToThatNumberReplied() throws Exception {
        Sent older = sent("+5511950000701");
        Sent latest = sent("+5511950000701");
        assertThat(signedPost(statuses(status(latest.wamid, "read", "5511950000701", null, null))).statusCode()).isEqualTo(200);

        assertThat(signedPost(messagesFrom("5511950000701", """
                {"from": "5511950000701", "id": "wamid.in.701", "timestamp": "%s", "type": "text",
                 "text": {"body": "Chegou, obrigado"}}""".formatted(epoch()))).statusCode()).isEqualTo(200);

        assertThat(status(latest)).isEqualTo("REPLIED");
        assertThat(status(older)).isEqualTo("SENT");
        assertThat(auditDetails(latest.campaign, "reply_received")).singleElement().asString()
                .contains("\"phone\":\"+5511950000701\"", "\"type\":\"text\"", "\"row\":2");
        // a reply later still (the same message delivered again by Meta) changes nothing more
        assertThat(signedPost(statuses(status(latest.wamid, "read", "5511950000701", null, null))).statusCode()).isEqualTo(200);
        assertThat(status(latest)).isEqualTo("REPLIED");
    }

    @Test
    void aQuickReplyButtonMarksTheMessageItAnswers() throws Exception {
        Sent answered = sent("+5511950000801");
        Sent latest = sent("+5511950000801");
        assertThat(signedPost(messagesFrom("5511950000801", """
                {"context": {"from": "15550783881", "id": "%s"},
                 "from": "5511950000801", "id": "wamid.in.801", "timestamp": "%s", "type": "button",
                 "button": {"payload": "Parar promoções", "text": "Parar promoções"}}""".formatted(answered.wamid, epoch())))
                .statusCode()).isEqualTo(200);
        assertThat(status(answered)).isEqualTo("REPLIED");
        assertThat(status(latest)).isEqualTo("SENT");
    }

    @Test
    void aReplyFromANumberWithNoMessageWaitingIsAuditedOnly() throws Exception {
        assertThat(signedPost(messagesFrom("5511950000901", """
                {"from": "5511950000901", "id": "wamid.in.901", "timestamp": "%s", "type": "text", "text": {"body": "Oi"}}"""
                .formatted(epoch()))).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForList("select detail from audit where event = 'reply_received' and campaign_id is null", String.class))
                .anySatisfy(d -> assertThat(d).contains("+5511950000901"));
    }

    // --- the opt-out loop -------------------------------------------------------------------------------------------

    @Test
    void aReplyWithAnOptOutKeywordStopsTheNumbersQueuedMessagesWithOrWithoutItsNinthDigit() throws Exception {
        // Meta's wa_id without the ninth digit, the queued message with it
        long waiting = waitingCampaign("+5511987001001");
        assertThat(signedPost(messagesFrom("551187001001", """
                {"from": "551187001001", "id": "wamid.in.1001", "timestamp": "%s", "type": "text", "text": {"body": " Sair. 🙏 "}}"""
                .formatted(epoch()))).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> messageStatus(waiting), "OPTED_OUT"::equals);
        assertThat(optOutSource("+5511987001001")).isEqualTo("reply");
        assertThat(messageReason(waiting)).contains("source reply");
        assertThat(requestsTo("5511987001001")).isEmpty();
        campaigns.markRead(waiting, 1, true); // nothing left of it: it settles
    }

    @Test
    void aQuickReplyButtonWithAnOptOutPayloadOptsTheNumberOut() throws Exception {
        long waiting = waitingCampaign("+5511987001002");
        assertThat(signedPost(messagesFrom("5511987001002", """
                {"from": "5511987001002", "id": "wamid.in.1002", "timestamp": "%s", "type": "button",
                 "button": {"payload": "STOP", "text": "Não quero mais receber"}}""".formatted(epoch()))).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> messageStatus(waiting), "OPTED_OUT"::equals);
        assertThat(optOutSource("+5511987001002")).isEqualTo("button");
        campaigns.markRead(waiting, 1, true);
    }

    @Test
    void metasMarketingStopAndResumeAndTheOptInKeywordAreRecorded() throws Exception {
        assertThat(signedPost(preference("5511987001003", "stop")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> optOutSource("+5511987001003"), "user_preferences"::equals);
        assertThat(signedPost(preference("5511987001003", "resume")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> optOutSource("+5511987001003") == null);

        assertThat(signedPost(messagesFrom("5511987001004", """
                {"from": "5511987001004", "id": "wamid.in.1004", "timestamp": "%s", "type": "text", "text": {"body": "PARAR!"}}"""
                .formatted(epoch()))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> optOutSource("+5511987001004"), "reply"::equals);
        assertThat(signedPost(messagesFrom("5511987001004", """
                {"from": "5511987001004", "id": "wamid.in.1005", "timestamp": "%s", "type": "text", "text": {"body": "voltar"}}"""
                .formatted(epoch()))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> optOutSource("+5511987001004") == null);
        assertThat(jdbc.queryForList("select event from audit where detail like '%+5511987001004%' order by id", String.class))
                .containsSubsequence("opt_out_recorded", "opt_in_recorded");
    }

    // --- expiry ----------------------------------------------------------------------------------------------------

    @Test
    void aMessageWithNoReplyWithin24HoursExpiresKeepingWhatItReached() throws Exception {
        Sent read = sent("+5511950001001");
        Sent delivered = sent("+5511950001002");
        Sent replied = sent("+5511950001003");
        Sent justInTime = sent("+5511950001004");
        signedPost(statuses(status(read.wamid, "delivered", "5511950001001", null, null), status(read.wamid, "read", "5511950001001", null, null),
                status(delivered.wamid, "delivered", "5511950001002", null, null)));
        signedPost(messagesFrom("5511950001003", """
                {"from": "5511950001003", "id": "wamid.in.1003", "timestamp": "%s", "type": "text", "text": {"body": "ok"}}"""
                .formatted(epoch())));
        assertThat(status(replied)).isEqualTo("REPLIED");
        // these four were sent a day ago (the other tests' messages are minutes old: out of reach of this clock)
        Instant now = Instant.now();
        sentAt(read, now.minus(Duration.ofHours(25)));
        sentAt(delivered, now.minus(Duration.ofHours(25)));
        sentAt(justInTime, now.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(1)));
        SettableClock clock = new SettableClock(now);
        ReplyExpiry expiry = new ReplyExpiry(messages, campaigns, audit, clock);

        expiry.expire();
        assertThat(row(read)).containsEntry("status", "EXPIRED").containsEntry("reason", "Delivered and read, no reply within 24 h.");
        assertThat(row(delivered)).containsEntry("status", "EXPIRED").containsEntry("reason", "Delivered, not read, no reply within 24 h.");
        assertThat(status(replied)).isEqualTo("REPLIED");
        assertThat(status(justInTime)).isEqualTo("SENT");
        assertThat(auditDetails(read.campaign, "messages_expired")).singleElement().asString().contains("\"READ\":1");

        clock.advance(Duration.ofMinutes(2));
        expiry.expire();
        assertThat(row(justInTime)).containsEntry("status", "EXPIRED").containsEntry("reason", "Sent, never reported delivered, no reply within 24 h.");
        // a reply after it expired finds no message waiting
        signedPost(messagesFrom("5511950001001", """
                {"from": "5511950001001", "id": "wamid.in.1001", "timestamp": "%s", "type": "text", "text": {"body": "tarde"}}"""
                .formatted(epoch())));
        assertThat(status(read)).isEqualTo("EXPIRED");
    }

    // --- durable before the 200 ------------------------------------------------------------------------------------

    @Test
    void anEventStoredButNotAppliedWhenArautoStoppedIsAppliedOnceBySweeper() throws Exception {
        Sent m = sent("+5511950001101");
        String payload = statuses(status(m.wamid, "delivered", "5511950001101", null, null));
        // what a crash right after the commit leaves: the event stored, due, not applied
        long id = events.store(WebhookEvents.META, payload, Instant.now());
        assertThat(events.applied(id)).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.applied(id)); // the webhook-events route
        assertThat(status(m)).isEqualTo("DELIVERED");
        // offered again (a second sweeper, a retry): applied already, nothing happens twice
        assertThat(applier.apply(id, payload)).isFalse();
        assertThat(auditDetails(m.campaign, "status_received")).filteredOn(d -> d.contains("DELIVERED")).hasSize(1);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** A campaign still being read that holds one QUEUED message to {@code e164}: nothing sends it meanwhile. */
    private long waitingCampaign(String e164) {
        long id = campaigns.create("optout.csv", "aviso_simples", "test", "aviso_simples/optout.csv", "o" + e164, HEADER);
        messages.insert(id, List.of(new JudgedRow(2, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Name", "O-2"))));
        return id;
    }

    private String messageStatus(long campaign) {
        return jdbc.queryForObject("select status from message where id = ?", String.class, MessageLedger.key(campaign, 2));
    }

    private String messageReason(long campaign) {
        return jdbc.queryForObject("select reason from message where id = ?", String.class, MessageLedger.key(campaign, 2));
    }

    /** The source of the number's entry in Arauto's own opt-out list (in either ninth-digit form), null when it has none. */
    private String optOutSource(String e164) {
        List<String> sources = jdbc.queryForList("select source from opt_out where phone_e164 = ? or twin_e164 = ?", String.class, e164, e164);
        return sources.isEmpty() ? null : sources.get(0);
    }

    /** Meta's user_preferences webhook, as its reference shows it. */
    private static String preference(String waId, String value) {
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"value": {
                  "messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": "%s"},
                  "contacts": [{"wa_id": "%s", "profile": {"name": "Cliente"}}],
                  "user_preferences": [{"wa_id": "%s", "detail": "User requested to stop marketing messages",
                    "category": "marketing_messages", "value": "%s", "timestamp": %s}]},
                  "field": "user_preferences"}]}]}""".formatted(PHONE_NUMBER_ID, waId, waId, value, epoch());
    }

    private record Sent(long campaign, String wamid) { }

    /** One message to {@code e164}, sent through the Cloud API stand-in (a campaign of its own). */
    private Sent sent(String e164) {
        long id = campaigns.create("webhook.csv", "aviso_simples", "test", "aviso_simples/webhook.csv", "w", HEADER);
        messages.insert(id, List.of(new JudgedRow(2, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Name", "W-2"))));
        campaigns.markRead(id, 1, true);
        String wamid = await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForList(
                "select wamid from message where id = ? and status = 'SENT'", String.class, MessageLedger.key(id, 2)), w -> !w.isEmpty()).get(0);
        return new Sent(id, wamid);
    }

    private String status(Sent m) {
        return (String) row(m).get("status");
    }

    private Map<String, Object> row(Sent m) {
        return jdbc.queryForMap("select status, reason, error_code from message where id = ?", MessageLedger.key(m.campaign, 2));
    }

    private void sentAt(Sent m, Instant at) {
        assertThat(jdbc.update("update awaiting_reply set sent_at = ? where message_id = ?", Timestamp.from(at),
                MessageLedger.key(m.campaign, 2))).isEqualTo(1);
    }

    private List<String> auditDetails(long campaign, String event) {
        return jdbc.queryForList("select detail from audit where campaign_id = ? and event = ? order by id", String.class, campaign, event);
    }

    private long storedEvents() {
        return jdbc.queryForObject("select count(*) from webhook_event", Long.class);
    }

    private static String epoch() {
        return String.valueOf(Instant.now().getEpochSecond());
    }

    /** One status as Meta's status webhook reference shows it. */
    private static String status(String wamid, String status, String recipient, String callbackData, String errors) {
        return """
                {"id": "%s", "status": "%s", "timestamp": "%s", "recipient_id": "%s",%s
                 "pricing": {"billable": true, "pricing_model": "PMP", "category": "utility", "type": "regular"}%s}"""
                .formatted(wamid, status, epoch(), recipient,
                        callbackData == null ? "" : " \"biz_opaque_callback_data\": \"" + callbackData + "\",",
                        errors == null ? "" : "," + errors);
    }

    private static String statuses(String... statuses) {
        return envelope("\"statuses\": [" + String.join(",", statuses) + "]");
    }

    private static String messagesFrom(String waId, String message) {
        return envelope("\"contacts\": [{\"profile\": {\"name\": \"Cliente\"}, \"wa_id\": \"" + waId + "\"}], \"messages\": [" + message + "]");
    }

    private static String envelope(String content) {
        return """
                {
                  "object": "whatsapp_business_account",
                  "entry": [{
                    "id": "102290129340398",
                    "changes": [{
                      "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "%s"},
                        %s
                      },
                      "field": "messages"
                    }]
                  }]
                }""".formatted(PHONE_NUMBER_ID, content);
    }

    private HttpResponse<String> signedPost(String json) throws IOException, InterruptedException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return post(body, SIGNER.header(body));
    }

    private HttpResponse<String> post(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/whatsapp"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String query) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/whatsapp" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
