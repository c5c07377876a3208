package io.arauto.send;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.optout.CrmDatabase;
import io.arauto.optout.OptOutList;
import io.arauto.support.SettableClock;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.verdict.PhoneNormalizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever fails between a message's claim and its outcome, it never stays SENDING: SENT when Meta
 * took it (its id first), UNCERTAIN when the request may have left, QUEUED when it certainly did
 * not. On a real H2 ledger with the app's migrations; the failures are real ones (an audit folder
 * that cannot be written, an audit table that is gone).
 */
class OutcomeRecorderFailuresTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path dataDir;

    private JdbcTemplate jdbc;
    private CampaignLedger campaigns;
    private MessageLedger messages;
    private OutcomeRecorder recorder;
    private LedgerHealthIndicator ledger;
    private long campaign;

    @BeforeEach
    void ledger() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:outcomes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        SettableClock clock = new SettableClock(START);
        ObjectMapper json = new ObjectMapper();
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        campaigns = new CampaignLedger(jdbc, tx, json, clock);
        messages = new MessageLedger(jdbc, tx, json, clock);
        ledger = new LedgerHealthIndicator(jdbc, tx, clock);
        AuditLog audit = new AuditLog(properties, json, clock, jdbc);
        OptOutList optOuts = new OptOutList(jdbc, tx, messages, campaigns, new CrmDatabase(properties), new PhoneNormalizer(properties),
                properties, audit, clock);
        recorder = new OutcomeRecorder(messages, campaigns, optOuts, new SendBrake(properties, clock), audit, clock, properties, ledger,
                new SendMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), campaigns,
                        new DailyTier(messages, clock, properties), ledger));
        campaign = campaigns.create("f.csv", "aviso_simples", "test", "f.csv", "x", List.of("phone", "name"));
        messages.insert(campaign, List.of(judged(2), judged(3)));
        campaigns.markRead(campaign, 2, true);
    }

    @Test
    void anAuditFileThatCannotBeWrittenLeavesTheMessageSentWithItsId() throws Exception {
        Files.writeString(dataDir.resolve("audit"), "a file where the audit folder should be");
        QueuedMessage m = claimed(2);

        recorder.record(m, null, new SendOutcome.Accepted("wamid.kept"));

        assertThat(row(2)).containsEntry("STATUS", "SENT").containsEntry("WAMID", "wamid.kept");
        assertThat(ledger.isUp()).isTrue();
    }

    @Test
    void anAuditRecordTheLedgerRefusesLeavesTheMessageSentWithItsId() throws Exception {
        jdbc.execute("drop table audit");
        QueuedMessage m = claimed(2);

        recorder.record(m, null, new SendOutcome.Accepted("wamid.without-audit"));

        assertThat(row(2)).containsEntry("STATUS", "SENT").containsEntry("WAMID", "wamid.without-audit");
        assertThat(ledger.isUp()).as("the ledger works; only that record was refused").isTrue();
    }

    @Test
    void anIdTheLedgerAlreadyKnowsLeavesBothMessagesSent() throws Exception {
        recorder.record(claimed(2), null, new SendOutcome.Accepted("wamid.twice"));
        recorder.record(claimed(3), null, new SendOutcome.Accepted("wamid.twice"));

        assertThat(row(2)).containsEntry("STATUS", "SENT").containsEntry("WAMID", "wamid.twice");
        assertThat(row(3)).containsEntry("STATUS", "SENT").containsEntry("WAMID", "wamid.twice");
        assertThat(jdbc.queryForObject("select message_id from sent_message where wamid = 'wamid.twice'", Long.class))
                .as("statuses for that id go to the first").isEqualTo(MessageLedger.key(campaign, 2));
    }

    @Test
    void aFailureOnceTheRequestMayHaveLeftMakesTheMessageUncertain() throws Exception {
        recorder.failedInFlight(claimed(2), new IllegalStateException("the provider's code broke"));

        assertThat(row(2)).containsEntry("STATUS", "UNCERTAIN");
        assertThat((String) row(2).get("REASON")).contains("the provider's code broke", "may have arrived").doesNotContain("Exception");
    }

    @Test
    void aFailureBeforeTheRequestLeftPutsTheMessageBackInTheQueueCounted() throws Exception {
        recorder.notSent(claimed(2), new IllegalArgumentException("no such header type"));

        assertThat(row(2)).containsEntry("STATUS", "QUEUED").containsEntry("ATTEMPTS", 1);
        assertThat(row(2).get("NEXT_ATTEMPT_AT")).isNotNull();
        assertThat((String) row(2).get("REASON")).contains("no such header type", "trying again at").doesNotContain("Exception");
    }

    @Test
    void anOutcomeThatCannotBeRecordedAsItShouldStillLeavesNoMessageSending() throws Exception {
        QueuedMessage m = claimed(2);
        jdbc.execute("drop table opt_out"); // 131050 cannot put the number on the list

        recorder.record(m, null, new SendOutcome.Rejected("131050", "Unable to deliver the message", "", MetaErrors.Action.OPT_OUT, null));

        assertThat(row(2)).containsEntry("STATUS", "QUEUED").containsEntry("ATTEMPTS", 1);
        assertThat((String) row(2).get("REASON")).contains("could not record the provider's answer");
    }

    private QueuedMessage claimed(int row) throws InterruptedException {
        QueuedMessage m = messages.queued(campaign, row - 1, 1).get(0);
        assertThat(messages.markSending(campaign, row)).isTrue();
        return m;
    }

    private Map<String, Object> row(int row) {
        return jdbc.queryForMap("select status, wamid, reason, attempts, next_attempt_at from message where campaign_id = ? and row_num = ?",
                campaign, row);
    }

    private static JudgedRow judged(int row) {
        String phone = "+55119800000" + row;
        return new JudgedRow(row, phone, phone, MessageStatus.QUEUED, null, List.of(phone, "Ana"));
    }
}
