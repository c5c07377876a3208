package io.arauto.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.support.SettableClock;
import io.arauto.support.SharedPostgres;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger watchdog ({@link LedgerRecovery}) looks for messages a stopped Arauto left SENDING only in campaigns with a
 * claim since its last look (V14's sending marks), so a million-row campaign waiting to be sent is not read every round;
 * and it still finds every message abandoned SENDING. On a real PostgreSQL, a database of its own per test.
 */
class LedgerWatchdogTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00.123456Z");
    private static final Duration STALE_AFTER = new ArautoProperties().getLedger().getStaleAfter(); // 2 minutes

    private HikariDataSource dataSource;
    private JdbcTemplate jdbc;
    private final SettableClock clock = new SettableClock(START);
    private CampaignLedger campaigns;
    private MessageLedger messages;
    private LedgerRecovery watchdog;

    @BeforeEach
    void ledger() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("watchdog"));
        dataSource.setUsername(SharedPostgres.USER);
        dataSource.setPassword(SharedPostgres.PASSWORD);
        jdbc = new JdbcTemplate(dataSource);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private void migrate(String target) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target(target).load().migrate();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        campaigns = new CampaignLedger(jdbc, tx, new ObjectMapper(), clock);
        messages = new MessageLedger(jdbc, tx, new ObjectMapper(), clock);
        watchdog = new LedgerRecovery(campaigns, messages, new ScheduleLedger(jdbc, clock), new ArautoProperties(), clock);
    }

    @Test
    void aClaimMarksItsCampaignWithItsTimeAndOnlyUnsettledCampaignsClaimedFromAreListed() throws Exception {
        migrate("latest");
        long claimed = activeCampaign("claimed", 2);
        long never = activeCampaign("never", 1);
        long cancelled = activeCampaign("cancelled", 1);
        assertThat(messages.lastClaims()).isEmpty();

        assertThat(messages.markSending(claimed, 2)).isTrue();
        assertThat(messages.markSending(cancelled, 2)).isTrue();
        assertThat(messages.lastClaims()).containsOnlyKeys(claimed, cancelled).containsEntry(claimed, START);

        clock.advance(Duration.ofMinutes(5));
        assertThat(messages.markSending(claimed, 3)).isTrue();
        assertThat(campaigns.cancel(cancelled)).isPresent();
        assertThat(messages.lastClaims()).as("the latest claim; a settled campaign is not listed, nor one never claimed from")
                .containsOnlyKeys(claimed).containsEntry(claimed, START.plus(Duration.ofMinutes(5)));
        assertThat(never).isNotIn(messages.lastClaims().keySet());

        // a claim refused (the message is no longer QUEUED) marks nothing
        clock.advance(Duration.ofMinutes(5));
        assertThat(messages.markSending(claimed, 3)).isFalse();
        assertThat(messages.lastClaims()).containsEntry(claimed, START.plus(Duration.ofMinutes(5)));
    }

    @Test
    void theWatchdogFindsEveryAbandonedMessageButReadsOnlyCampaignsClaimedFromSinceItsLastLook() throws Exception {
        migrate("latest");
        long sending = activeCampaign("sending", 3);
        long waiting = activeCampaign("waiting", 1); // queued, never handed to a sender
        assertThat(messages.markSending(sending, 2)).isTrue();

        // still within stale-after: a running sender may be waiting for its answer
        clock.advance(STALE_AFTER.minusSeconds(1));
        watchdog.recover();
        assertThat(status(sending, 2)).isEqualTo("SENDING");

        // past it: abandoned, found
        clock.advance(Duration.ofSeconds(2));
        watchdog.recover();
        assertThat(status(sending, 2)).isEqualTo("UNCERTAIN");

        // A message put in SENDING by hand, which no claim can do, shows which campaigns the watchdog reads. Its last claim
        // is 2 minutes old: it is read again until a look's stale-before is stale-after past that claim (a claim whose
        // commit took that long is still seen), then no more.
        putInSendingByHand(sending, 3, START);
        putInSendingByHand(waiting, 2, START);
        clock.advance(Duration.ofSeconds(30));
        watchdog.recover();
        assertThat(status(sending, 3)).as("read again: its last claim is within stale-after of the last look").isEqualTo("UNCERTAIN");
        assertThat(status(waiting, 2)).as("never claimed from: not read").isEqualTo("SENDING");

        clock.advance(STALE_AFTER.plus(STALE_AFTER));
        watchdog.recover(); // the look whose stale-before passes the last claim by stale-after
        putInSendingByHand(sending, 3, START);
        clock.advance(Duration.ofSeconds(30));
        watchdog.recover();
        assertThat(status(sending, 3)).as("no claim since the last look: not read").isEqualTo("SENDING");

        // a new claim in the campaign: the next look reads it all again, and finds the old one once it is stale
        jdbc.update("update message set status = 'QUEUED' where id = ?", MessageLedger.key(sending, 3));
        assertThat(messages.markSending(sending, 3)).isTrue();
        clock.advance(Duration.ofSeconds(30));
        watchdog.recover();
        assertThat(status(sending, 3)).as("claimed 30 s ago: not stale yet").isEqualTo("SENDING");
        clock.advance(STALE_AFTER);
        watchdog.recover();
        assertThat(status(sending, 3)).isEqualTo("UNCERTAIN");

        // an instance that starts afresh looks at every campaign with a claim once
        putInSendingByHand(sending, 3, START);
        new LedgerRecovery(campaigns, messages, new ScheduleLedger(jdbc, clock), new ArautoProperties(), clock).recover();
        assertThat(status(sending, 3)).isEqualTo("UNCERTAIN");
        assertThat(status(waiting, 2)).isEqualTo("SENDING");
    }

    @Test
    void aLedgerUpgradedWithMessagesStillSendingHasThemFoundByTheWatchdog() throws Exception {
        migrate("13"); // the ledger as an Arauto before sending marks left it, stopped while sending
        long stopped = activeCampaign("stopped", 2);
        long waiting = activeCampaign("waiting", 1);
        putInSendingByHand(stopped, 2, START);

        migrate("latest");
        assertThat(messages.lastClaims()).containsOnlyKeys(stopped).containsEntry(stopped, START);
        clock.advance(STALE_AFTER.plusSeconds(1));
        watchdog.recover();
        assertThat(status(stopped, 2)).isEqualTo("UNCERTAIN");
        assertThat(status(stopped, 3)).isEqualTo("QUEUED");
        assertThat(status(waiting, 2)).isEqualTo("QUEUED");
    }

    /** An ACTIVE campaign whose rows 2 .. rows + 1 are QUEUED. */
    private long activeCampaign(String name, int rows) {
        long id = campaigns.create(name + ".csv", "pedido_enviado", "folder", "pedido_enviado/" + name + ".csv", name,
                List.of("phone", "name"));
        List<JudgedRow> queued = new java.util.ArrayList<>();
        for (int row = 2; row < rows + 2; row++) {
            String e164 = "+55119000" + String.format("%05d", (int) (id * 100 + row));
            queued.add(new JudgedRow(row, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Cliente " + row)));
        }
        messages.insert(id, queued);
        campaigns.markRead(id, rows, true);
        return id;
    }

    private void putInSendingByHand(long campaign, int row, Instant at) {
        jdbc.update("update message set status = 'SENDING', updated_at = ? where id = ?", java.sql.Timestamp.from(at),
                MessageLedger.key(campaign, row));
    }

    private String status(long campaign, int row) {
        return jdbc.queryForObject("select status from message where id = ?", String.class, MessageLedger.key(campaign, row));
    }
}
