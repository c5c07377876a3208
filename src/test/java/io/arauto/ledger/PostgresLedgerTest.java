package io.arauto.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.optout.CrmDatabase;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.support.SettableClock;
import io.arauto.support.SharedPostgres;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.verdict.PhoneNormalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * Every statement of the ledger beans on a real PostgreSQL, migrated by the app's own Flyway
 * scripts: the same beans the app wires, on a pooled DataSource with Spring's transaction manager.
 */
class PostgresLedgerTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00.123456Z"); // microseconds: what timestamptz keeps

    private static HikariDataSource dataSource;
    private static MigrateResult migration;
    private static JdbcTemplate jdbc;
    private static SettableClock clock;
    private static CampaignLedger campaigns;
    private static MessageLedger messages;
    private static OptOutList optOuts;

    @BeforeAll
    static void postgres() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("ledger"));
        dataSource.setUsername(SharedPostgres.USER);
        dataSource.setPassword(SharedPostgres.PASSWORD);
        dataSource.setMaximumPoolSize(10);
        // a session zone unlike the JVM's (UTC here), so an instant stored or read as local time would show
        dataSource.setConnectionInitSql("set time zone 'America/Sao_Paulo'");
        migration = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

        jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        ObjectMapper json = new ObjectMapper();
        clock = new SettableClock(START);
        ArautoProperties properties = new ArautoProperties();
        campaigns = new CampaignLedger(jdbc, tx, json, clock);
        messages = new MessageLedger(jdbc, tx, json, clock);
        optOuts = new OptOutList(jdbc, tx, messages, campaigns, new CrmDatabase(properties), new PhoneNormalizer(properties), properties,
                audit(properties), clock);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @BeforeEach
    void resetClock() {
        clock.set(START);
    }

    /** V10: an occurrence of a schedule is taken once, however many ledger beans ask for it (two instances: two pools on one database). */
    /** Each commit on PostgreSQL waits for its disk: a file's rows go in 5,000 at a time unless arauto.intake.batch-size says. */
    @Test
    void aFilesRowsGoIntoPostgresFiveThousandAtATime() {
        assertThat(messages.batchRows()).isEqualTo(5_000);
    }

    @Test
    void aScheduleOccurrenceIsTakenOnceAndKeepsItsTimeAndOutcome() {
        ScheduleLedger first = new ScheduleLedger(jdbc, clock);
        ScheduleLedger second = new ScheduleLedger(new JdbcTemplate(dataSource), clock);
        Instant occurrence = Instant.parse("2026-03-02T05:00:00Z");

        assertThat(first.take("nightly", occurrence, ScheduleLedger.Outcome.RUNNING, null)).isTrue();
        assertThat(second.take("nightly", occurrence, ScheduleLedger.Outcome.RUNNING, null)).isFalse();
        assertThat(second.take("nightly", occurrence, ScheduleLedger.Outcome.SKIPPED, "late")).isFalse();
        assertThat(second.take("weekly", occurrence, ScheduleLedger.Outcome.SKIPPED, "late")).isTrue(); // another schedule's
        first.campaign("nightly", occurrence, 42);
        first.finish("nightly", occurrence, ScheduleLedger.Outcome.DONE, null);

        assertThat(second.occurrences("nightly")).containsExactly(
                new ScheduleLedger.Occurrence(occurrence, ScheduleLedger.Outcome.DONE, 42L, null));
        assertThat(second.last("nightly")).contains(occurrence);
        assertThat(second.last("monthly")).isEmpty();
        assertThat(columnType("schedule_occurrence", "occurs_at")).isEqualTo("timestamp with time zone");
    }

    @Test
    void flywayCreatesTheSchemaWithPostgresTypes() {
        assertThat(migration.success).isTrue();
        assertThat(migration.migrationsExecuted).isEqualTo(14);
        assertThat(columnType("sending_mark", "claimed_at")).isEqualTo("timestamp with time zone"); // V14
        assertThat(columnType("campaign", "send_at")).isEqualTo("timestamp with time zone"); // V12
        assertThat(jdbc.queryForList("select seqcache from pg_sequence where seqrelid in "
                + "(pg_get_serial_sequence('webhook_event', 'id')::regclass, pg_get_serial_sequence('audit', 'id')::regclass)", Long.class))
                .containsExactly(1000L, 1000L); // V13
        assertThat(columnType("recipient_request", "requested_at")).isEqualTo("timestamp with time zone"); // V6
        assertThat(jdbc.queryForObject("select count(*) from information_schema.table_constraints "
                + "where table_name = 'message' and constraint_type = 'FOREIGN KEY'", Integer.class)).isZero(); // V3
        assertThat(columnType("campaign", "archived_at")).isEqualTo("timestamp with time zone");
        assertThat(columnType("intake_claim", "renewed_at")).isEqualTo("timestamp with time zone");
        assertThat(columnType("int_lock", "created_date")).isEqualTo("timestamp without time zone"); // V7: UTC, as the lock registry writes it
        assertThat(columnType("webhook_event", "payload")).isEqualTo("character varying"); // V8
        assertThat(columnType("awaiting_reply", "sent_at")).isEqualTo("timestamp with time zone"); // V8
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
        assertThat(jdbc.queryForObject("show timezone", String.class)).isEqualTo("America/Sao_Paulo");
        assertThat(columnType("campaign", "created_at")).isEqualTo("timestamp with time zone");
        assertThat(columnType("message", "next_attempt_at")).isEqualTo("timestamp with time zone");
        assertThat(columnType("campaign", "report_dirty")).isEqualTo("boolean");
        assertThat(columnType("message", "input")).isEqualTo("character varying");
        assertThat(jdbc.queryForObject("select is_identity from information_schema.columns "
                + "where table_name = 'campaign' and column_name = 'id'", String.class)).isEqualTo("YES");
    }

    @Test
    void intakeClaimsLetOneInstanceTakeAFileAndFreeItWhenItsHolderStoppedRenewing() throws Exception {
        IntakeClaims a = new IntakeClaims(jdbc, Duration.ofMinutes(2), "host-a/1");
        IntakeClaims b = new IntakeClaims(jdbc, Duration.ofMinutes(2), "host-b/2");
        String key = "sftp://sftp.example:22/inbox/pedido_enviado/x.csv|120|1767225600000";
        // both instances see the file at once: exactly one gets it
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String k = key + "#" + round;
                Future<Boolean> gotA = both.submit(() -> a.add(k));
                Future<Boolean> gotB = both.submit(() -> b.add(k));
                assertThat(gotA.get() ^ gotB.get()).as("round %d", round).isTrue();
            }
        } finally {
            both.shutdownNow();
        }
        assertThat(a.add(key)).isTrue();
        assertThat(a.add(key)).as("its holder may claim it again, as after a failed download").isTrue();
        assertThat(b.add(key)).isFalse();
        assertThat(b.contains(key)).isTrue();
        assertThat(b.remove(key)).as("only its holder lets a claim go").isFalse();
        assertThat(a.renew()).isEqualTo(jdbc.queryForObject("select count(*) from intake_claim where owner = 'host-a/1'", Integer.class));

        // the holder stops renewing (it died): after the lease the file is free for another instance
        jdbc.update("update intake_claim set renewed_at = renewed_at - interval '3 minutes' where claim_key = ?", key);
        assertThat(b.contains(key)).isFalse();
        assertThat(b.add(key)).isTrue();
        assertThat(a.add(key)).isFalse();
        assertThat(jdbc.queryForObject("select owner from intake_claim where claim_key = ?", String.class, key)).isEqualTo("host-b/2");
        assertThat(b.remove(key)).isTrue();
        assertThat(a.add(key)).isTrue();
        jdbc.update("delete from intake_claim where owner in ('host-a/1', 'host-b/2')");
    }

    @Test
    void aCampaignDroppedWhileBeingReadNeverBecomesSendableAndArchivingIsRecorded() {
        long id = campaigns.create("c.csv", "pedido_enviado", "sftp", "pedido_enviado/c.csv", sha("c"), List.of("phone"));
        campaigns.reject(id); // as a restart of another instance does to a campaign it takes for an interrupted read
        assertThat(campaigns.markRead(id, 1, true)).isFalse();
        assertThat(campaigns.find(id).orElseThrow().status()).isEqualTo(CampaignStatus.REJECTED);

        long ok = campaigns.create("d.csv", "pedido_enviado", "sftp", "pedido_enviado/d.csv", sha("d"), List.of("phone"));
        assertThat(campaigns.markRead(ok, 1, true)).isTrue();
        assertThat(campaigns.find(ok).orElseThrow().archivedAt()).isNull();
        clock.set(START.plusSeconds(5));
        campaigns.markArchived(ok);
        clock.set(START.plusSeconds(9));
        campaigns.markArchived(ok); // the first time counts
        assertThat(campaigns.find(ok).orElseThrow().archivedAt()).isEqualTo(START.plusSeconds(5));
        assertThat(campaigns.find(ok).orElseThrow().source()).isEqualTo("sftp");
    }

    @Test
    void campaignGoesFromReadingToActiveToDoneWithItsTimesKeptAsInstants() {
        long first = campaigns.create("a.csv", "pedido_enviado", "folder", "pedido_enviado/a.csv", sha("a"), List.of("Telefone", "Nome ç"));
        long second = campaigns.create("b.csv", "pedido_enviado", "folder", "pedido_enviado/b.csv", sha("b"), List.of("phone"));
        assertThat(second).isGreaterThan(first);

        Campaign read = campaigns.find(first).orElseThrow();
        assertThat(read.name()).isEqualTo("a.csv");
        assertThat(read.template()).isEqualTo("pedido_enviado");
        assertThat(read.source()).isEqualTo("folder");
        assertThat(read.sourceFile()).isEqualTo("pedido_enviado/a.csv");
        assertThat(read.sha256()).isEqualTo(sha("a"));
        assertThat(read.inputHeader()).containsExactly("Telefone", "Nome ç");
        assertThat(read.status()).isEqualTo(CampaignStatus.READING);
        assertThat(read.createdAt()).isEqualTo(START);
        assertThat(read.readAt()).isNull();
        // stored as the same absolute instant, whatever the session's time zone
        assertThat(jdbc.queryForObject("select extract(epoch from created_at) from campaign where id = ?", Double.class, first))
                .isCloseTo(START.getEpochSecond() + START.getNano() / 1e9, offset(1e-6));
        assertThat(campaigns.find(Long.MAX_VALUE)).isEmpty();
        assertThat(campaigns.abandonedReads(START)).doesNotContain(first, second); // renewed just now: someone is reading them
        assertThat(campaigns.abandonedReads(START.plusSeconds(1))).contains(first, second);

        clock.advance(Duration.ofSeconds(5));
        campaigns.markRead(first, 3, true);
        Campaign active = campaigns.find(first).orElseThrow();
        assertThat(active.status()).isEqualTo(CampaignStatus.ACTIVE);
        assertThat(active.totalRows()).isEqualTo(3);
        assertThat(active.readAt()).isEqualTo(START.plusSeconds(5));
        assertThat(active.settledAt()).isNull();
        assertThat(campaigns.active()).contains(first).doesNotContain(second);
        assertThat(campaigns.abandonedReads(START.plusSeconds(6))).doesNotContain(first).contains(second);

        campaigns.markRead(second, 1, false); // nothing queued: done at once
        Campaign done = campaigns.find(second).orElseThrow();
        assertThat(done.status()).isEqualTo(CampaignStatus.DONE);
        assertThat(done.settledAt()).isEqualTo(START.plusSeconds(5));
        assertThat(campaigns.active()).doesNotContain(second);
    }

    @Test
    void rejectDropsAHalfReadCampaignAndItsRows() {
        long id = campaigns.create("half.csv", "pedido_enviado", "folder", "pedido_enviado/half.csv", sha("half"), List.of("phone"));
        messages.insert(id, List.of(queued(2, "+5511900000002"), queued(3, "+5511900000003")));
        assertThat(count("select count(*) from message where campaign_id = ?", id)).isEqualTo(2);

        campaigns.reject(id);

        assertThat(count("select count(*) from message where campaign_id = ?", id)).isZero();
        Campaign rejected = campaigns.find(id).orElseThrow();
        assertThat(rejected.status()).isEqualTo(CampaignStatus.REJECTED);
        assertThat(rejected.settledAt()).isEqualTo(START);
        assertThat(campaigns.abandonedReads(START.plusSeconds(60))).doesNotContain(id);
    }

    @Test
    void findSameFileSeesOnlyAcceptedCampaignsOfTheTemplateWithinTheWindow() {
        String sha = sha("same bytes");
        long reading = campaigns.create("x.csv", "fatura", "folder", "fatura/x.csv", sha, List.of("phone"));
        assertThat(campaigns.findSameFile("fatura", sha, START.minus(Duration.ofDays(7)))).isEmpty(); // still READING

        campaigns.markRead(reading, 1, true);
        clock.advance(Duration.ofHours(1));
        long later = campaigns.create("x-again.csv", "fatura", "folder", "fatura/x-again.csv", sha, List.of("phone"));
        campaigns.markRead(later, 1, false);

        assertThat(campaigns.findSameFile("fatura", sha, START.minus(Duration.ofDays(7)))).map(Campaign::id).hasValue(reading);
        assertThat(campaigns.findSameFile("fatura", sha, START.plusSeconds(1))).map(Campaign::id).hasValue(later);
        assertThat(campaigns.findSameFile("fatura", sha, START.plus(Duration.ofHours(2)))).isEmpty();
        assertThat(campaigns.findSameFile("pedido_enviado", sha, START.minus(Duration.ofDays(7)))).isEmpty();
        assertThat(campaigns.findSameFile("fatura", sha("other"), START.minus(Duration.ofDays(7)))).isEmpty();
    }

    @Test
    void judgedRowsGoInAsABatchAndQueuedRowsComeOutInRowOrderWhenDue() {
        long id = activeCampaign("queue", List.of(
                queued(2, "+5511900000002"),
                new JudgedRow(3, "11900000002", "+5511900000002", MessageStatus.DUPLICATE, "The same number is on row 2.",
                        List.of("11900000002", "Zé")),
                queued(4, "+5511900000004"),
                new JudgedRow(5, "5.51199E+12", null, MessageStatus.INVALID, "scientific notation", List.of("5.51199E+12", "X")),
                queued(6, "+5511900000006")));

        assertThat(messages.queued(id, 0, 2)).extracting(QueuedMessage::row).containsExactly(2, 4); // fetch first 2 rows only
        assertThat(messages.queued(id, 4, 10)).extracting(QueuedMessage::row).containsExactly(6);
        QueuedMessage first = messages.queued(id, 0, 1).get(0);
        assertThat(first).isEqualTo(new QueuedMessage(id, 2, "+5511900000002", 0, List.of("+55 11 90000-0002", "Cliente 2 ação")));
        assertThat(jdbc.queryForMap("select phone, phone_e164, status, reason, updated_at from message where campaign_id = ? and row_num = 3", id))
                .containsEntry("phone", "11900000002").containsEntry("phone_e164", "+5511900000002")
                .containsEntry("status", "DUPLICATE").containsEntry("reason", "The same number is on row 2.");
        assertThat(campaigns.counts(id)).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageStatus.QUEUED, 3, MessageStatus.DUPLICATE, 1, MessageStatus.INVALID, 1));
        messages.insert(id, List.of()); // nothing to write is no statement at all
    }

    @Test
    void aMessageIsClaimedOnceAndEachOutcomeOnlyAppliesToASendingMessage() throws Exception {
        long id = activeCampaign("outcomes", List.of(queued(2, "+5511900000102"), queued(3, "+5511900000103"),
                queued(4, "+5511900000104"), queued(5, "+5511900000105")));

        assertThat(messages.markSending(id, 2)).isTrue();
        assertThat(messages.markSending(id, 2)).isFalse(); // someone else's already
        assertThat(messages.queued(id, 0, 10)).extracting(QueuedMessage::row).containsExactly(3, 4, 5);

        // retryable answer: back to QUEUED, but not due until next_attempt_at
        messages.retryLater(id, 2, START.plusSeconds(30), "131000", "Attempt 1 failed (Something went wrong)");
        assertThat(row(id, 2)).containsEntry("status", "QUEUED").containsEntry("attempts", 1).containsEntry("error_code", "131000");
        assertThat(messages.queued(id, 0, 10)).extracting(QueuedMessage::row).containsExactly(3, 4, 5);
        clock.advance(Duration.ofSeconds(30));
        List<QueuedMessage> due = messages.queued(id, 0, 10);
        assertThat(due).extracting(QueuedMessage::row).containsExactly(2, 3, 4, 5);
        assertThat(due.get(0).attempts()).isEqualTo(1);

        assertThat(messages.markSending(id, 2)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        messages.markSent(id, 2, "wamid.HBgL2");
        assertThat(row(id, 2)).containsEntry("status", "SENT").containsEntry("wamid", "wamid.HBgL2").containsEntry("attempts", 2)
                .containsEntry("reason", null).containsEntry("error_code", null).containsEntry("next_attempt_at", null);
        assertThat(instant(row(id, 2).get("updated_at"))).isEqualTo(START.plusSeconds(31));

        assertThat(messages.markSending(id, 3)).isTrue();
        messages.markFailed(id, 3, "131026", "Message Undeliverable.");
        assertThat(row(id, 3)).containsEntry("status", "FAILED").containsEntry("error_code", "131026")
                .containsEntry("reason", "Message Undeliverable.");

        assertThat(messages.markSending(id, 4)).isTrue();
        messages.markUncertain(id, 4, "No answer from the provider (read timed out)");
        assertThat(row(id, 4)).containsEntry("status", "UNCERTAIN").containsEntry("reason", "No answer from the provider (read timed out)");

        // outcomes for messages not SENDING change nothing
        messages.markSent(id, 3, "wamid.late");
        messages.markUncertain(id, 2, "late");
        messages.markFailed(id, 5, "1", "not sending");
        messages.retryLater(id, 4, START, "1", "not sending");
        assertThat(row(id, 3)).containsEntry("status", "FAILED").containsEntry("wamid", null);
        assertThat(row(id, 2)).containsEntry("status", "SENT");
        assertThat(row(id, 5)).containsEntry("status", "QUEUED").containsEntry("error_code", null);
        assertThat(row(id, 4)).containsEntry("status", "UNCERTAIN");

        assertThat(messages.markOptedOut(id, 5, "The number opted out (Arauto opt-out list) before it was sent.")).isTrue();
        assertThat(messages.markOptedOut(id, 2, "too late")).isFalse();
        assertThat(row(id, 5)).containsEntry("status", "OPTED_OUT");
        assertThat(campaigns.counts(id)).containsExactlyInAnyOrderEntriesOf(Map.of(MessageStatus.SENT, 1, MessageStatus.FAILED, 1,
                MessageStatus.UNCERTAIN, 1, MessageStatus.OPTED_OUT, 1));
    }

    @Test
    void statusReportsOnlyMoveForward() throws Exception {
        long id = activeCampaign("statuses", List.of(queued(2, "+5511900000202"), queued(3, "+5511900000203")));
        sent(id, 2, "wamid.forward");
        sent(id, 3, "wamid.failing");

        clock.advance(Duration.ofSeconds(1));
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.DELIVERED, null, null)).hasValue(id);
        clock.advance(Duration.ofSeconds(1));
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.READ, null, null)).hasValue(id);
        clock.advance(Duration.ofSeconds(1));
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.DELIVERED, null, null)).isEmpty(); // late, after READ
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.READ, null, null)).isEmpty(); // repeated
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.FAILED, "131047", "late failure")).isEmpty();
        assertThat(row(id, 2)).containsEntry("status", "READ").containsEntry("error_code", null);
        assertThat(instant(row(id, 2).get("updated_at"))).isEqualTo(START.plusSeconds(2));

        assertThat(messages.applyStatus("wamid.failing", MessageStatus.FAILED, "131049", "Meta chose not to deliver.")).hasValue(id);
        assertThat(row(id, 3)).containsEntry("status", "FAILED").containsEntry("error_code", "131049")
                .containsEntry("reason", "Meta chose not to deliver.");
        assertThat(messages.applyStatus("wamid.failing", MessageStatus.READ, null, null)).hasValue(id); // read beats failed
        assertThat(row(id, 3)).containsEntry("status", "READ").containsEntry("error_code", "131049").containsEntry("reason", null);

        assertThat(messages.applyStatus("wamid.nobody-knows", MessageStatus.READ, null, null)).isEmpty();
        assertThat(messages.applyStatus("wamid.forward", MessageStatus.QUEUED, null, null)).isEmpty(); // nothing moves to QUEUED
    }

    @Test
    void aStatusFoundByItsKeyBeforeTheSendOutcomeKeepsTheIdAndTheMessageStillCountsAsSent() throws Exception {
        long id = activeCampaign("overtaken", List.of(queued(2, "+5511900000252")));
        assertThat(messages.markSending(id, 2)).isTrue();
        // Meta's "delivered" arrives before Arauto has recorded Meta's answer: found by biz_opaque_callback_data
        assertThat(messages.applyStatus("wamid.quick", MessageLedger.key(id, 2), MessageStatus.DELIVERED, null, null))
                .isEqualTo(new MessageLedger.StatusApplied(true, id));
        boolean[] audited = {false};
        messages.markSent(id, 2, "wamid.quick", () -> audited[0] = true);
        assertThat(row(id, 2)).containsEntry("status", "DELIVERED").containsEntry("wamid", "wamid.quick");
        assertThat(audited[0]).as("message_sent audited all the same").isTrue();
        assertThat(count("select count(*) from awaiting_reply where message_id = ?", MessageLedger.key(id, 2))).isEqualTo(1);
        assertThat(messages.applyStatus("wamid.quick", MessageStatus.READ, null, null)).hasValue(id);
        assertThat(messages.applyStatus("wamid.unknown", MessageLedger.key(id + 1000, 2), MessageStatus.READ, null, null).known()).isFalse();
    }

    @Test
    void repliesFindTheLatestMessageWaitingAndTheRestExpiresAfter24Hours() throws Exception {
        long first = activeCampaign("replies-1", List.of(queued(2, "+5511900000262"), queued(3, "+5511900000263"),
                queued(4, "+5511900000264")));
        sent(first, 2, "wamid.r1");
        sent(first, 3, "wamid.r2");
        sent(first, 4, "wamid.r3");
        clock.advance(Duration.ofMinutes(1));
        long second = activeCampaign("replies-2", List.of(queued(2, "+5511900000262")));
        sent(second, 2, "wamid.r4");
        messages.applyStatus("wamid.r2", MessageStatus.READ, null, null);
        messages.applyStatus("wamid.r3", MessageStatus.FAILED, "131026", "Undeliverable");

        assertThat(messages.latestAwaitingReply(List.of("+5511900000262"))).hasValue(MessageLedger.key(second, 2));
        assertThat(messages.markReplied(MessageLedger.key(second, 2))).hasValue(second);
        assertThat(messages.latestAwaitingReply(List.of("+5511900000262"))).hasValue(MessageLedger.key(first, 2));
        assertThat(messages.latestAwaitingReply(List.of("+5511900000264"))).isEmpty(); // failed: nothing to reply to

        clock.advance(Duration.ofHours(24));
        List<MessageLedger.Expired> expired = messages.expireUnanswered(clock.instant().minus(Duration.ofHours(24)), 100,
                reached -> "no reply (" + reached + ")");
        assertThat(expired).filteredOn(e -> e.campaignId() == first).containsExactlyInAnyOrder(new MessageLedger.Expired(first, MessageLedger.key(first, 2), MessageStatus.SENT),
                new MessageLedger.Expired(first, MessageLedger.key(first, 3), MessageStatus.READ));
        assertThat(row(first, 3)).containsEntry("status", "EXPIRED").containsEntry("reason", "no reply (READ)");
        assertThat(row(first, 4)).containsEntry("status", "FAILED");
        assertThat(row(second, 2)).containsEntry("status", "REPLIED");
        assertThat(count("select count(*) from awaiting_reply where message_id >= ? and message_id < ?",
                MessageLedger.first(first), MessageLedger.first(second + 1))).isZero();
    }

    @Test
    void webhookEventsAreStoredThenAppliedOnce() throws Exception {
        WebhookEvents events = new WebhookEvents(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), clock);
        String payload = "{\"text\":\"ação 🙏\"}";
        long later = events.store(WebhookEvents.SANDBOX, payload, START.plusSeconds(5));
        long now = events.store(WebhookEvents.META, payload, START);
        assertThat(events.due(10)).extracting(WebhookEvents.Stored::id).contains(now).doesNotContain(later);
        assertThat(events.due(10)).filteredOn(e -> e.id() == now).singleElement().extracting(WebhookEvents.Stored::payload).isEqualTo(payload);
        assertThat(events.markApplied(now)).isTrue();
        assertThat(events.markApplied(now)).isFalse();
        assertThat(events.applied(now)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        assertThat(events.due(10)).extracting(WebhookEvents.Stored::id).contains(later).doesNotContain(now);
        clock.advance(Duration.ofDays(8));
        assertThat(events.forgetAppliedBefore(clock.instant().minus(Duration.ofDays(7)))).isGreaterThanOrEqualTo(1);
        assertThat(count("select count(*) from webhook_event where id = ?", now)).isZero();
        assertThat(count("select count(*) from webhook_event where id = ?", later)).isEqualTo(1);
        // several stored in one batch: each its own id, in order
        List<Long> together = events.storeAll(WebhookEvents.SANDBOX, List.of(new WebhookEvents.Due("{\"n\":1}", START),
                new WebhookEvents.Due("{\"n\":2}", START)));
        assertThat(together).hasSize(2).doesNotHaveDuplicates();
        assertThat(jdbc.queryForObject("select payload from webhook_event where id = ?", String.class, together.get(1))).isEqualTo("{\"n\":2}");
    }

    @Test
    void messagesCaughtSendingAtRestartBecomeUncertain() throws Exception {
        long id = activeCampaign("restart", List.of(queued(2, "+5511900000302"), queued(3, "+5511900000303"), queued(4, "+5511900000304")));
        messages.markSending(id, 2);
        messages.markSending(id, 3);
        // still being sent as far as anyone knows: a running instance may be waiting for the answer
        assertThat(messages.uncertainIfStale(id, START)).isZero();
        clock.advance(Duration.ofMinutes(3));
        messages.markSending(id, 4); // this one just now

        assertThat(messages.uncertainIfStale(id, START.plus(Duration.ofMinutes(1)))).isEqualTo(2);

        assertThat(row(id, 4)).containsEntry("status", "SENDING");
        assertThat(row(id, 2)).containsEntry("status", "UNCERTAIN");
        assertThat((String) row(id, 3).get("reason")).contains("may or may not have arrived");
    }

    @Test
    void campaignSettlesOnceNothingIsQueuedOrSending() throws Exception {
        long id = activeCampaign("settle", List.of(queued(2, "+5511900000402"),
                new JudgedRow(3, "", null, MessageStatus.INVALID, "The phone is empty.", List.of("", "Sem"))));
        campaigns.claimReport(id);

        assertThat(campaigns.settleIfFinished(id)).isFalse(); // row 2 QUEUED
        messages.markSending(id, 2);
        assertThat(campaigns.settleIfFinished(id)).isFalse(); // row 2 SENDING
        messages.markSent(id, 2, "wamid.settle");
        clock.advance(Duration.ofMinutes(1));

        assertThat(campaigns.settleIfFinished(id)).isTrue();
        assertThat(campaigns.settleIfFinished(id)).isFalse(); // already DONE
        Campaign done = campaigns.find(id).orElseThrow();
        assertThat(done.status()).isEqualTo(CampaignStatus.DONE);
        assertThat(done.settledAt()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        assertThat(campaigns.dirtyReports()).contains(id);
    }

    @Test
    void aPausedCampaignIsNotActiveItsQueuedRowsSayWhyAndResumeTakesItBack() throws Exception {
        long id = activeCampaign("pause", List.of(queued(2, "+5511900000602"), queued(3, "+5511900000603"), queued(4, "+5511900000604")));
        assertThat(messages.markSending(id, 2)).isTrue();
        messages.retryLater(id, 4, START, "131000", "Attempt 1 failed");
        String why = "The campaign is paused: Meta answered 132001 (Template name does not exist in the translation).";

        assertThat(campaigns.pause(id, why)).isTrue();
        assertThat(campaigns.pause(id, "again")).isFalse();
        messages.requeue(id, 2, null, "132001", why); // the message that got the answer: back, its try not counted

        assertThat(campaigns.active()).doesNotContain(id);
        assertThat(messages.lastClaims()).as("still looked at by the watchdog").containsKey(id);
        assertThat(campaigns.paused()).containsEntry(id, why);
        assertThat(campaigns.find(id).orElseThrow().status()).isEqualTo(CampaignStatus.PAUSED);
        assertThat(row(id, 2)).containsEntry("status", "QUEUED").containsEntry("attempts", 0).containsEntry("reason", why)
                .containsEntry("error_code", "132001").containsEntry("next_attempt_at", null);
        assertThat(row(id, 3)).containsEntry("status", "QUEUED").containsEntry("reason", why);
        // a sender holding a batch taken before the pause cannot claim from it any more
        assertThat(messages.markSending(id, 3)).as("paused").isFalse();
        assertThat(row(id, 3)).containsEntry("status", "QUEUED");
        assertThat(campaigns.settleIfFinished(id)).isFalse();
        assertThat(campaigns.dirtyReports()).contains(id);

        assertThat(campaigns.resume(id)).isTrue();
        assertThat(campaigns.resume(id)).isFalse();
        assertThat(campaigns.active()).contains(id);
        assertThat(campaigns.paused()).doesNotContainKey(id);
        assertThat(row(id, 2)).containsEntry("status", "QUEUED").containsEntry("reason", null).containsEntry("error_code", null);
        assertThat(row(id, 3)).containsEntry("reason", null);
        assertThat(messages.markSending(id, 3)).as("resumed").isTrue();
    }

    @Test
    void requeueIsNotCountedAndWaitsUntilItsTime() throws Exception {
        long id = activeCampaign("requeue", List.of(queued(2, "+5511900000702")));
        assertThat(messages.markSending(id, 2)).isTrue();
        messages.requeue(id, 2, START.plusSeconds(6), "131056", "Waiting: too many messages to this number.");
        assertThat(row(id, 2)).containsEntry("status", "QUEUED").containsEntry("attempts", 0).containsEntry("error_code", "131056");
        assertThat(messages.queued(id, 0, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(6));
        assertThat(messages.queued(id, 0, 10)).extracting(QueuedMessage::row).containsExactly(2);
        messages.requeue(id, 2, null, "1", "not sending");
        assertThat(row(id, 2)).containsEntry("attempts", 0).containsEntry("error_code", "131056");
    }

    @Test
    void uncertainMessagesGoBackInTheQueueOnlyWhenAskedAndTheirCampaignIsActiveAgain() throws Exception {
        long id = activeCampaign("requeue-uncertain", List.of(queued(2, "+5511900000802"), queued(3, "+5511900000803")));
        messages.markSending(id, 2);
        messages.markUncertain(id, 2, "No answer from the provider");
        messages.markSending(id, 3);
        messages.markSent(id, 3, "wamid.requeue-uncertain");
        assertThat(campaigns.settleIfFinished(id)).isTrue();

        assertThat(campaigns.requeueUncertain(id)).isEqualTo(1);
        assertThat(campaigns.requeueUncertain(id)).isZero();
        assertThat(row(id, 2)).containsEntry("status", "QUEUED").containsEntry("reason", null);
        assertThat(row(id, 3)).containsEntry("status", "SENT");
        Campaign again = campaigns.find(id).orElseThrow();
        assertThat(again.status()).isEqualTo(CampaignStatus.ACTIVE);
        assertThat(again.settledAt()).isNull();
        assertThat(campaigns.active()).contains(id);
    }

    @Test
    void aSendingMessageRefusedAsOptedOutAndOneSentWithoutItsId() throws Exception {
        long id = activeCampaign("opted-while-sending", List.of(queued(2, "+5511900000902"), queued(3, "+5511900000903")));
        messages.markSending(id, 2);
        messages.markOptedOutWhileSending(id, 2, "131050", "Meta answered 131050.");
        assertThat(row(id, 2)).containsEntry("status", "OPTED_OUT").containsEntry("error_code", "131050");
        messages.markSending(id, 3);
        messages.markSentWithoutId(id, 3, "Sent, but the provider's message id could not be kept.");
        assertThat(row(id, 3)).containsEntry("status", "SENT").containsEntry("wamid", null)
                .containsEntry("reason", "Sent, but the provider's message id could not be kept.");
    }

    @Test
    void oneWriterClaimsADirtyReport() throws Exception {
        long id = campaigns.create("dirty.csv", "pedido_enviado", "folder", "pedido_enviado/dirty.csv", sha("dirty"), List.of("phone"));
        assertThat(campaigns.dirtyReports()).doesNotContain(id); // dirty from the start, but still READING
        campaigns.markRead(id, 1, true);
        assertThat(campaigns.dirtyReports()).contains(id);

        assertThat(campaigns.claimReport(id)).isTrue();
        assertThat(campaigns.claimReport(id)).isFalse();
        assertThat(campaigns.dirtyReports()).doesNotContain(id);
        assertThat(jdbc.queryForObject("select report_dirty from campaign where id = ?", Boolean.class, id)).isFalse();

        campaigns.markDirty(id);
        campaigns.markDirty(id);
        assertThat(campaigns.dirtyReports()).contains(id);
        assertThat(campaigns.claimReport(id)).isTrue();
    }

    @Test
    void linesComeInRowOrderAPageAtATimeWithNoTransactionLeftOpen() throws Exception {
        long id = campaigns.create("big.csv", "pedido_enviado", "folder", "pedido_enviado/big.csv", sha("big"), List.of("phone", "name"));
        int total = 2 * MessageLedger.LINES_PAGE + 3; // three pages, the last one short
        List<JudgedRow> batch = new ArrayList<>();
        for (int row = 2; row < total + 2; row++) {
            batch.add(queued(row, String.format("+55119%08d", row)));
            if (batch.size() == 1000 || row == total + 1) {
                messages.insert(id, batch);
                batch = new ArrayList<>();
            }
        }
        campaigns.markRead(id, total, true);

        List<Integer> rows = new ArrayList<>(total);
        List<String> openTransactions = new ArrayList<>();
        StatusLine[] firstLine = new StatusLine[1];
        messages.withLines(id, lines -> {
            firstLine[0] = lines.next();
            rows.add(firstLine[0].row());
            // while a report is written nothing of the ledger's stays open (a long read transaction would hold back vacuum)
            openTransactions.addAll(jdbc.queryForList("select query from pg_stat_activity where state = 'idle in transaction'",
                    String.class));
            lines.forEachRemaining(line -> rows.add(line.row()));
        });

        assertThat(openTransactions).isEmpty();
        assertThat(rows).hasSize(total).isSorted().doesNotHaveDuplicates().startsWith(2, 3, 4).endsWith(total + 1);
        assertThat(firstLine[0]).isEqualTo(new StatusLine(2, "+55 11 90000-0002", "+5511900000002", "QUEUED", null, null, null,
                START, List.of("+55 11 90000-0002", "Cliente 2 ação")));
        assertThat(campaigns.counts(id)).containsExactlyEntriesOf(Map.of(MessageStatus.QUEUED, total));
    }

    @Test
    void ofTwoIdenticalFilesReadAtOnceOnlyOneIsAccepted() {
        String sha = sha("twin bytes");
        long first = campaigns.create("a.csv", "pedido_enviado", "sftp", "pedido_enviado/a.csv", sha, List.of("phone"));
        long second = campaigns.create("a-copy.csv", "pedido_enviado", "folder", "pedido_enviado/a-copy.csv", sha, List.of("phone"));
        Instant since = START.minus(Duration.ofDays(7));

        assertThat(campaigns.markReadUnlessTwin(second, "pedido_enviado", sha, since, 1, true)).isEmpty();
        assertThat(campaigns.markReadUnlessTwin(first, "pedido_enviado", sha, since, 1, true)).contains(second);

        assertThat(campaigns.find(second).orElseThrow().status()).isEqualTo(CampaignStatus.ACTIVE);
        assertThat(campaigns.find(first).orElseThrow().status()).isEqualTo(CampaignStatus.READING); // its reader rejects it
        long other = campaigns.create("b.csv", "fatura", "folder", "fatura/b.csv", sha, List.of("phone"));
        assertThat(campaigns.markReadUnlessTwin(other, "fatura", sha, since, 1, true)).isEmpty(); // another template is no twin
    }

    /** A dry run: settled as DRY_RUN, nobody's twin, its queued numbers counted against the tier, its rows noted; on PostgreSQL. */
    @Test
    void aDryRunIsNoTwinOfTheRealFileAndItsQueuedRowsAreCountedAndNoted() throws Exception {
        String sha = sha("dry-run bytes");
        Instant since = START.minus(Duration.ofDays(7));
        long dry = campaigns.create("d.csv", "pedido_enviado", "folder", "pedido_enviado/dry-run/d.csv", sha, List.of("phone"));
        messages.insert(dry, List.of(queued(2, "+5511900000851"), queued(3, "+5511900000852"), queued(4, "+5511900000853"),
                new JudgedRow(5, "x", null, MessageStatus.INVALID, "Not a phone.", List.of("x"))));
        assertThat(campaigns.markReadUnlessTwin(dry, "pedido_enviado", sha, since, 4, true, true)).isEmpty();
        assertThat(campaigns.find(dry).orElseThrow().status()).isEqualTo(CampaignStatus.DRY_RUN);
        assertThat(campaigns.find(dry).orElseThrow().settledAt()).isNotNull();
        assertThat(campaigns.findSameFile("pedido_enviado", sha, since)).isEmpty();
        assertThat(campaigns.active()).doesNotContain(dry);
        assertThat(campaigns.countByStatus()).containsKey(CampaignStatus.DRY_RUN);

        // one of its numbers had a request within the 24 hours: it costs the tier nothing more
        long real = activeCampaign("before-dry", List.of(queued(2, "+5511900000851")));
        assertThat(messages.markSending(real, 2)).isTrue();
        assertThat(messages.queuedCount(dry, START.minus(Duration.ofHours(24)))).isEqualTo(new MessageLedger.QueuedCount(3, 2));
        assertThat(messages.noteQueued(dry, "Dry run: nothing was sent.")).isEqualTo(3);
        assertThat(row(dry, 2)).containsEntry("reason", "Dry run: nothing was sent.").containsEntry("status", "QUEUED");
        assertThat(row(dry, 5)).containsEntry("reason", "Not a phone.");
        // a note comes before what the row said already, the whole kept within the column's 1,000 characters
        assertThat(messages.noteQueued(dry, "x".repeat(950))).isEqualTo(3);
        assertThat((String) row(dry, 2).get("reason")).startsWith("xxxx").endsWith(" Dry run: nothing was sent.").hasSizeLessThanOrEqualTo(1000);
        assertThat(messages.noteQueued(dry, "y".repeat(900))).isEqualTo(3);
        assertThat((String) row(dry, 2).get("reason")).startsWith("yyyy").hasSize(1000);

        // the same bytes for real afterwards: accepted, the dry run is no twin
        long after = campaigns.create("d.csv", "pedido_enviado", "folder", "pedido_enviado/d.csv", sha, List.of("phone"));
        assertThat(campaigns.markReadUnlessTwin(after, "pedido_enviado", sha, since, 1, true)).isEmpty();
        assertThat(campaigns.find(after).orElseThrow().status()).isEqualTo(CampaignStatus.ACTIVE);
    }

    /** A big dry run is noted range by range, each committed on its own: every QUEUED row of every range, nothing else. */
    @Test
    void aDryRunsNoteReachesEveryQueuedRowAcrossItsRanges() {
        int range = MessageLedger.NOTE_ROWS;
        long dry = campaigns.create("big.csv", "pedido_enviado", "folder", "pedido_enviado/dry-run/big.csv", sha("big dry run"),
                List.of("phone"));
        List<Integer> rows = List.of(2, range - 1, range, range + 1, 2 * range, 3 * range + 500);
        List<JudgedRow> judged = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            judged.add(queued(rows.get(i), "+55119000009" + (10 + i)));
        }
        judged.add(new JudgedRow(2 * range + 1, "x", null, MessageStatus.INVALID, "Not a phone.", List.of("x")));
        messages.insert(dry, judged);
        long other = activeCampaign("after-big", List.of(queued(2, "+5511900000990")));

        assertThat(messages.queuedCount(dry, START.minus(Duration.ofHours(24)))).isEqualTo(new MessageLedger.QueuedCount(6, 6));
        assertThat(messages.noteQueued(dry, "Dry run: nothing was sent.")).isEqualTo(6);
        for (int row : rows) {
            assertThat(row(dry, row)).as("row " + row).containsEntry("reason", "Dry run: nothing was sent.");
        }
        assertThat(row(dry, 2 * range + 1)).containsEntry("reason", "Not a phone.");
        assertThat(row(other, 2).get("reason")).as("another campaign's row").isNull();
        assertThat(messages.noteQueued(campaigns.create("empty.csv", "pedido_enviado", "folder", "pedido_enviado/dry-run/empty.csv",
                sha("empty dry run"), List.of("phone")), "Dry run")).isZero();
    }

    @Test
    void eachClaimMakesItsNumberCountForTheDailyTierOnceAndHeldMessagesWaitWithoutAnAttempt() throws Exception {
        Instant since = START.minus(Duration.ofHours(24));
        MessageLedger.Recipients before = messages.recipientsSince(since);
        long id = activeCampaign("tier", List.of(queued(2, "+5511900000702"), queued(3, "+5511900000703"),
                queued(4, "+5511900000702"), queued(5, "+5511900000705")));
        assertThat(messages.requestedSince(List.of("+5511900000702", "+5511900000703"), since)).isEmpty();

        assertThat(messages.markSending(id, 2)).isTrue();
        clock.advance(Duration.ofMinutes(10));
        assertThat(messages.markSending(id, 3)).isTrue();
        assertThat(messages.markSending(id, 4)).isTrue(); // the same number again, ten minutes after the first
        MessageLedger.Recipients after = messages.recipientsSince(since);
        assertThat(after.count()).isEqualTo(before.count() + 2);
        assertThat(messages.requestedSince(List.of("+5511900000702", "+5511900000703", "+5511900000705"), since))
                .containsExactlyInAnyOrder("+5511900000702", "+5511900000703");
        assertThat(instant(jdbc.queryForObject("select max(requested_at) from recipient_request where phone_e164 = ?", Object.class,
                "+5511900000702"))).as("its last request").isEqualTo(START.plus(Duration.ofMinutes(10)));
        // a number counts from its last request: 24 hours after the first claim both still count, not after the last
        List<String> both = List.of("+5511900000702", "+5511900000703");
        assertThat(messages.requestedSince(both, START.plus(Duration.ofMinutes(5)))).containsExactlyInAnyOrderElementsOf(both);
        assertThat(messages.requestedSince(both, START.plus(Duration.ofMinutes(10)))).isEmpty();
        messages.forgetRequestsBefore(START.plus(Duration.ofMinutes(10))); // requested at, not before: kept
        assertThat(messages.requestedSince(both, since)).containsExactlyInAnyOrderElementsOf(both);
        assertThat(messages.forgetRequestsBefore(START.plus(Duration.ofMinutes(11)))).isGreaterThanOrEqualTo(2);
        assertThat(messages.requestedSince(both, since)).isEmpty();

        // a held message: due later, with its reason, not an attempt; one no longer QUEUED is left alone
        Instant until = START.plus(Duration.ofHours(24));
        messages.holdUntil(List.of(new MessageLedger.Hold(id, 5, until, "Waiting: the daily limit is reached."),
                new MessageLedger.Hold(id, 2, until, "Waiting: should not be written.")));
        assertThat(row(id, 5)).containsEntry("status", "QUEUED").containsEntry("reason", "Waiting: the daily limit is reached.")
                .containsEntry("attempts", 0);
        assertThat(instant(row(id, 5).get("next_attempt_at"))).isEqualTo(until);
        assertThat(row(id, 2)).containsEntry("status", "SENDING").containsEntry("reason", null);
        assertThat(messages.queued(id, 0, 10)).isEmpty();
        clock.set(until);
        assertThat(messages.queued(id, 0, 10)).extracting(QueuedMessage::row).containsExactly(5);
    }

    @Test
    void aNumberInArautosOptOutListIsNeverClaimedForSending() throws Exception {
        long id = activeCampaign("claim-optout", List.of(queued(2, "+5511955550009"), queued(3, "+5511955550010")));
        optOuts.optOut("+5511955550009", OptOutSource.REPLY, "Replied SAIR a moment ago", clock.instant());

        assertThat(messages.markSending(id, 2)).isFalse();
        assertThat(messages.markSending(id, 3)).isTrue();
        assertThat(row(id, 2)).containsEntry("status", "OPTED_OUT"); // stopped in the opt-out's own commit
    }

    /** On PostgreSQL too a claim racing an opt-out waits for the opt-out's commit (it holds the message's row) and is refused. */
    @Test
    void aClaimRacingAnOptOutWaitsForItsCommitAndIsRefused() throws Exception {
        long id = activeCampaign("claim-race", List.of(queued(2, "+5511975550021"), queued(3, "+5511975550022")));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> claim = tx.execute(t -> {
                // Meta names the number without its ninth digit
                optOuts.optOut("+551175550021", OptOutSource.USER_PREFERENCES, "marketing messages stopped", clock.instant());
                Future<Boolean> racing = sender.submit(() -> messages.markSending(id, 2));
                await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from pg_locks where not granted") > 0);
                assertThat(racing).isNotDone();
                return racing;
            });
            assertThat(claim.get(10, TimeUnit.SECONDS)).isFalse();
        } finally {
            sender.shutdownNow();
        }
        assertThat(row(id, 2)).containsEntry("status", "OPTED_OUT");
        assertThat(messages.markSending(id, 3)).isTrue();
    }

    @Test
    void optOutIsRecordedOnceAndFoundAgain() throws Exception {
        assertThat(optOuts.optOut("+5511955550001", OptOutSource.REPLY, "Replied SAIR", clock.instant())).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(optOuts.optOut("+5511955550001", OptOutSource.BUTTON, "Replied STOP", clock.instant())).isFalse();
        assertThat(jdbc.queryForList("select detail from audit where event = 'opt_out_recorded' and detail like ?", String.class,
                "%+5511955550001%"))
                .singleElement().asString().contains("\"phone\":\"+5511955550001\"", "Replied SAIR");
        assertThat(jdbc.queryForMap("select source, detail, created_at from opt_out where phone_e164 = ?", "+5511955550001"))
                .containsEntry("source", "reply").containsEntry("detail", "Replied SAIR");
        assertThat(instant(jdbc.queryForObject("select created_at from opt_out where phone_e164 = ?", Object.class, "+5511955550001")))
                .isEqualTo(START);

        assertThat(optOuts.optedOut(List.of("+5511955550001", "+5511955550002")))
                .containsExactlyEntriesOf(Map.of("+5511955550001", OptOutList.ARAUTO));
        assertThat(optOuts.optedOut(List.of())).isEmpty();
        assertThat(optOuts.snapshot().sourceOf(PhoneNormalizer.toKey("+5511955550001"))).isEqualTo(OptOutList.ARAUTO);
        assertThat(optOuts.snapshot().sourceOf(PhoneNormalizer.toKey("+5511955550002"))).isNull();

        // another instance inserts the same number and has not committed yet: our "where not exists" cannot see it,
        // so our insert waits on the primary key and fails once the other commits; optOut() says "already there"
        String phone = "+5511955550003";
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement(
                    "insert into opt_out (phone_e164, source, created_at) values (?, 'other instance', current_timestamp)")) {
                insert.setString(1, phone);
                insert.executeUpdate();
            }
            Future<Boolean> ours = pool.submit(() -> optOuts.optOut(phone, OptOutSource.REPLY, "Replied PARAR", clock.instant()));
            await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from pg_locks where not granted") > 0);
            other.commit();
            assertThat(ours.get(10, TimeUnit.SECONDS)).isFalse();
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("select source from opt_out where phone_e164 = ?", String.class, phone)).isEqualTo("other instance");
    }

    @Test
    void crmOptOutsOnPostgresqlAreNormalisedAndFetchedInChunks() throws Exception {
        String crmUrl = SharedPostgres.newDatabase("crm");
        try (Connection crm = java.sql.DriverManager.getConnection(crmUrl, SharedPostgres.USER, SharedPostgres.PASSWORD)) {
            crm.createStatement().execute("create table clientes (celular varchar(40))");
            crm.createStatement().execute("insert into clientes select '+55 (11) 9' || substr(lpad(n::text, 8, '0'), 1, 4) || '-' || substr(lpad(n::text, 8, '0'), 5, 4) "
                    + "from generate_series(1, 25000) n");
            crm.createStatement().execute("insert into clientes values ('not a phone')");
        }
        ArautoProperties properties = new ArautoProperties();
        properties.getCrm().getDatasource().setUrl(crmUrl);
        properties.getCrm().getDatasource().setUsername(SharedPostgres.USER);
        properties.getCrm().getDatasource().setPassword(SharedPostgres.PASSWORD);
        properties.getOptout().setQuery("select celular from clientes");
        CrmDatabase crmDatabase = new CrmDatabase(properties);
        try {
            OptOutList list = new OptOutList(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), messages, campaigns,
                    crmDatabase, new PhoneNormalizer(properties), properties, audit(properties), clock);
            list.refreshCrm();
            OptOutList.Snapshot snapshot = list.snapshot();
            assertThat(snapshot.crm()).hasSize(25000);
            assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+5511900010001"))).isEqualTo(OptOutList.CRM);
            assertThat(snapshot.sourceOf(PhoneNormalizer.toKey("+5511900025001"))).isNull();

            // the same JdbcTemplate with a row callback that looks at the server mid-read: a portal (cursor) is open
            List<String> portals = new java.util.ArrayList<>();
            crmDatabase.jdbc().orElseThrow().query("select celular from clientes", rs -> {
                if (portals.isEmpty()) {
                    try (Connection look = java.sql.DriverManager.getConnection(crmUrl, SharedPostgres.USER, SharedPostgres.PASSWORD);
                         var rows = look.createStatement().executeQuery("select state from pg_stat_activity where query like 'select celular%'")) {
                        while (rows.next()) {
                            portals.add(rows.getString(1));
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            // in the middle of a chunked read the backend waits for the next fetch inside its transaction
            assertThat(portals).containsExactly("idle in transaction");
        } finally {
            crmDatabase.destroy();
        }
    }

    /** An audit trail in a temporary folder, written to this test's ledger. */
    private static io.arauto.audit.AuditLog audit(ArautoProperties properties) {
        try {
            properties.setDataDir(Files.createTempDirectory("arauto-audit-"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new io.arauto.audit.AuditLog(properties, new ObjectMapper(), clock, jdbc);
    }

    private static long activeCampaign(String name, List<JudgedRow> rows) {
        long id = campaigns.create(name + ".csv", "pedido_enviado", "folder", "pedido_enviado/" + name + ".csv", sha(name),
                List.of("phone", "name"));
        messages.insert(id, rows);
        campaigns.markRead(id, rows.size(), true);
        return id;
    }

    private static void sent(long campaign, int row, String wamid) throws InterruptedException {
        assertThat(messages.markSending(campaign, row)).isTrue();
        messages.markSent(campaign, row, wamid);
    }

    private static JudgedRow queued(int row, String e164) {
        String phone = "+" + e164.substring(1, 3) + " " + e164.substring(3, 5) + " " + e164.substring(5, 10) + "-" + e164.substring(10);
        return new JudgedRow(row, phone, e164, MessageStatus.QUEUED, null, List.of(phone, "Cliente " + row + " ação"));
    }

    private static Map<String, Object> row(long campaign, int row) {
        return jdbc.queryForMap("select status, reason, error_code, wamid, attempts, next_attempt_at, updated_at from message "
                + "where campaign_id = ? and row_num = ?", campaign, row);
    }

    private static int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    private static String columnType(String table, String column) {
        return jdbc.queryForObject("select data_type from information_schema.columns where table_name = ? and column_name = ?",
                String.class, table, column);
    }

    private static Instant instant(Object timestamp) {
        return ((Timestamp) timestamp).toInstant();
    }

    private static String sha(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
