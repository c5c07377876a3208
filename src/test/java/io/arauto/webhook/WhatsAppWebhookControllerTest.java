package io.arauto.webhook;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.WebhookEvents;
import io.arauto.support.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook endpoint's two refusals that the running app's tests cannot show: a ledger that cannot
 * take the call (503, so Meta delivers it again, and nothing is applied), and no app secret (every call
 * refused, and the log says why once at start); and a call whose applying fails (stored alone, 200,
 * applied later by the sweeper). On an H2 ledger with Arauto's migrations.
 */
@ExtendWith(OutputCaptureExtension.class)
class WhatsAppWebhookControllerTest {

    private static final String SECRET = "app-secret";
    private static final byte[] BODY = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":"
            + "{\"messaging_product\":\"whatsapp\",\"statuses\":[{\"id\":\"wamid.x\",\"status\":\"read\",\"timestamp\":\"1750263773\","
            + "\"recipient_id\":\"5511950009999\"}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    JdbcTemplate jdbc;
    ArautoProperties properties = new ArautoProperties();
    Clock clock = new SettableClock(Instant.parse("2026-06-01T12:00:00Z"));
    /** None of these tests gets as far as a reply. */
    OptOutSignals signals = repliesOnly((e164, text) -> {
        throw new AssertionError("no reply expected");
    });
    WebhookApplier applier;

    @BeforeEach
    void ledger() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:webhook-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        properties.setDataDir(dir);
        properties.getProvider().setType("cloud-api");
    }

    @Test
    void aLedgerThatCannotTakeTheCallGets503AndNothingIsApplied() {
        properties.getWebhook().setAppSecret(SECRET);
        WhatsAppWebhookController controller = controller();
        jdbc.execute("alter table webhook_event rename to webhook_event_away");

        ResponseEntity<String> refused = controller.receive(new WebhookSignature(SECRET).header(BODY), BODY);
        assertThat(refused.getStatusCode().value()).isEqualTo(503);
        assertThat(jdbc.queryForObject("select count(*) from audit", Integer.class)).isZero();

        jdbc.execute("alter table webhook_event_away rename to webhook_event");
        assertThat(controller.receive(new WebhookSignature(SECRET).header(BODY), BODY).getStatusCode().value()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where applied_at is not null", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from audit where event = 'status_unmatched'", Integer.class)).isEqualTo(1);
    }

    @Test
    void withoutAnAppSecretEveryCallIsRefusedAndTheLogSaysWhyAtStart(CapturedOutput log) {
        WhatsAppWebhookController controller = controller();
        controller.sayWhetherItCanTakeCalls();
        assertThat(log.getAll()).contains("The WhatsApp webhook (POST /webhooks/whatsapp) refuses every call: "
                + "arauto.webhook.app-secret is not set");

        assertThat(controller.receive(new WebhookSignature(SECRET).header(BODY), BODY).getStatusCode().value()).isEqualTo(401);
        assertThat(controller.receive(null, BODY).getStatusCode().value()).isEqualTo(401);
        assertThat(jdbc.queryForObject("select count(*) from webhook_event", Integer.class)).isZero();
        // nor does the subscription check pass without a verify token
        assertThat(controller.verify("subscribe", "", "123").getStatusCode().value()).isEqualTo(403);
        assertThat(controller.verify("subscribe", null, "123").getStatusCode().value()).isEqualTo(403);
    }

    @Test
    void repliesPreferencesAnd131050AreHandedToTheOptOutSignalsOncePerEvent() throws InterruptedException {
        properties.getWebhook().setAppSecret(SECRET);
        List<String> heard = new ArrayList<>();
        signals = new OptOutSignals() {
            @Override
            public void reply(String e164, String text, String buttonPayload, Instant at) {
                heard.add("reply " + e164 + " " + text + " " + buttonPayload + " " + at);
            }

            @Override
            public void marketingStop(String e164, String source, Instant at) {
                heard.add("stop " + e164 + " " + source + " " + at);
            }

            @Override
            public void marketingResume(String e164, String source, Instant at) {
                heard.add("resume " + e164 + " " + source + " " + at);
            }
        };
        WhatsAppWebhookController controller = controller();
        // as Meta's reference shows them: a typed reply, a template's quick-reply button, an interactive reply, user_preferences
        byte[] messages = ("""
                {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
                  {"value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1"},
                    "contacts": [{"profile": {"name": "Ana"}, "wa_id": "5511950009001"}],
                    "messages": [
                      {"from": "5511950009001", "id": "wamid.a", "timestamp": "1750263773", "type": "text", "text": {"body": " Sair. "}},
                      {"context": {"from": "15550783881", "id": "wamid.sent"}, "from": "5511950009001", "id": "wamid.b",
                       "timestamp": "1750263774", "type": "button", "button": {"payload": "STOP_PROMOS", "text": "Parar"}},
                      {"from": "5511950009001", "id": "wamid.c", "timestamp": "1750263775", "type": "interactive",
                       "interactive": {"type": "button_reply", "button_reply": {"id": "optout", "title": "Descadastrar"}}}]},
                   "field": "messages"},
                  {"value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1"},
                    "contacts": [{"wa_id": "5511950009002", "profile": {"name": "Bia"}}],
                    "user_preferences": [
                      {"wa_id": "5511950009002", "detail": "User requested to stop marketing messages", "category": "marketing_messages",
                       "value": "stop", "timestamp": 1750263776},
                      {"wa_id": "5511950009003", "detail": "User requested to resume marketing messages", "category": "marketing_messages",
                       "value": "resume", "timestamp": 1750263777}]},
                   "field": "user_preferences"},
                  {"value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1"},
                    "statuses": [{"id": "wamid.m", "status": "failed", "timestamp": "1750263778", "recipient_id": "5511950009004",
                      "errors": [{"code": 131050, "title": "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
                        "message": "Unable to deliver the message.", "error_data": {"details": "User opted out of marketing messages"}}]}]},
                   "field": "messages"}]}]}""").getBytes(StandardCharsets.UTF_8);
        assertThat(controller.receive(new WebhookSignature(SECRET).header(messages), messages).getStatusCode().value()).isEqualTo(200);
        assertThat(heard).containsExactly(
                "stop +5511950009004 meta-131050 2025-06-18T16:22:58Z",
                "reply +5511950009001  Sair.  null 2025-06-18T16:22:53Z",
                "reply +5511950009001 Parar STOP_PROMOS 2025-06-18T16:22:54Z",
                "reply +5511950009001 Descadastrar optout 2025-06-18T16:22:55Z",
                "stop +5511950009002 user_preferences 2025-06-18T16:22:56Z",
                "resume +5511950009003 user_preferences 2025-06-18T16:22:57Z");
        // the stored event offered again (the sweeper, another instance): applied already, nothing is handed on twice
        long id = jdbc.queryForObject("select max(id) from webhook_event", Long.class);
        heard.clear();
        assertThat(applier.apply(id, new String(messages, StandardCharsets.UTF_8))).isFalse();
        assertThat(heard).isEmpty();
    }

    @Test
    void aCallWhoseApplyingFailsIsStoredAloneAnswered200AndAppliedOnceBySweeper(CapturedOutput log) {
        properties.getWebhook().setAppSecret(SECRET);
        List<String> heard = new ArrayList<>();
        boolean[] away = {true};
        signals = repliesOnly((e164, text) -> {
            if (away[0]) {
                throw new IllegalStateException("the opt-out list cannot be read now");
            }
            heard.add("reply " + e164 + " " + text);
        });
        WhatsAppWebhookController controller = controller();
        byte[] reply = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"from\":\"5511950009001\",\"id\":\"wamid.r\","
                + "\"timestamp\":\"1750263773\",\"type\":\"text\",\"text\":{\"body\":\"Obrigada!\"}}]},\"field\":\"messages\"}]}]}")
                .getBytes(StandardCharsets.UTF_8);

        // applying it fails, so the transaction that would store and apply it takes nothing: the call is stored alone
        assertThat(controller.receive(new WebhookSignature(SECRET).header(reply), reply).getStatusCode().value()).isEqualTo(200);
        assertThat(jdbc.queryForList("select payload from webhook_event where applied_at is null", String.class))
                .containsExactly(new String(reply, StandardCharsets.UTF_8));
        assertThat(log.getAll()).contains("is stored; applying it failed (the opt-out list cannot be read now) and is tried again within seconds");
        assertThat(heard).isEmpty();
        // nothing of what the failed attempt did stays: its audit record went with its transaction, in the table and the file
        assertThat(jdbc.queryForObject("select count(*) from audit where event = 'reply_received'", Integer.class)).isZero();
        assertThat(dir.resolve("audit")).doesNotExist();

        // the sweeper leaves it to the request for a while, then applies it, once
        away[0] = false;
        assertThat(applier.applyDue()).isZero();
        ((SettableClock) clock).advance(WhatsAppWebhookController.SWEEPER_GRACE);
        assertThat(applier.applyDue()).isEqualTo(1);
        assertThat(applier.applyDue()).isZero();
        assertThat(heard).containsExactly("reply +5511950009001 Obrigada!");
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where applied_at is null", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit where event = 'reply_received'", Integer.class)).isEqualTo(1);
    }

    @Test
    void callsAnsweredTogetherAreEachStoredAndAppliedAndOneThatFailsToApplyTakesNoneOfTheOthersWithIt() throws Exception {
        properties.getWebhook().setAppSecret(SECRET);
        signals = repliesOnly((e164, text) -> {
            if (text.equals("quebra")) {
                throw new IllegalStateException("the opt-out list cannot be read now");
            }
        });
        WhatsAppWebhookController controller = controller();
        int calls = 16;
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(calls);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                byte[] reply = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":"
                        + "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"from\":\"55119500090" + (10 + i) + "\",\"id\":\"wamid.r" + i
                        + "\",\"timestamp\":\"1750263773\",\"type\":\"text\",\"text\":{\"body\":\"" + (i == 5 ? "quebra" : "oi " + i)
                        + "\"}}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
                answers.add(senders.submit(() -> {
                    go.await();
                    return controller.receive(new WebhookSignature(SECRET).header(reply), reply).getStatusCode().value();
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            senders.shutdownNow();
        }
        // every call stored once; all applied but the one whose applying failed, whatever groups they were committed in
        assertThat(jdbc.queryForObject("select count(*) from webhook_event", Integer.class)).isEqualTo(calls);
        assertThat(jdbc.queryForList("select payload from webhook_event where applied_at is null", String.class))
                .singleElement().asString().contains("quebra");
        assertThat(jdbc.queryForObject("select count(*) from audit where event = 'reply_received'", Integer.class)).isEqualTo(calls - 1);
    }

    private WhatsAppWebhookController controller() {
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
        ObjectMapper json = new ObjectMapper();
        MessageLedger messages = new MessageLedger(jdbc, tx, json, clock);
        CampaignLedger campaigns = new CampaignLedger(jdbc, tx, json, clock);
        AuditLog audit = new AuditLog(properties, json, clock, jdbc);
        WebhookEvents events = new WebhookEvents(jdbc, tx, clock);
        OptOutSignals none = signals;
        applier = new WebhookApplier(events, new MetaWebhookReader(json), new StatusTracker(messages, campaigns, audit, tx),
                new ReplyTracker(messages, campaigns, audit, none), none, tx, clock);
        return new WhatsAppWebhookController(properties, events, applier, new LedgerHealthIndicator(jdbc, tx, clock), clock);
    }

    /** Signals that hand each reply's number and text to {@code replies}; a marketing stop or resume fails the test. */
    private static OptOutSignals repliesOnly(java.util.function.BiConsumer<String, String> replies) {
        return new OptOutSignals() {
            @Override
            public void reply(String e164, String text, String buttonPayload, Instant at) {
                replies.accept(e164, text);
            }

            @Override
            public void marketingStop(String e164, String source, Instant at) {
                throw new AssertionError("no stop expected");
            }

            @Override
            public void marketingResume(String e164, String source, Instant at) {
                throw new AssertionError("no resume expected");
            }
        };
    }
}
