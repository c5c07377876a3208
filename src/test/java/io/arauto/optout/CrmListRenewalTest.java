package io.arauto.optout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.api.Trigger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.arauto.config.ArautoProperties;
import io.arauto.support.SettableClock;
import io.arauto.verdict.PhoneNormalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the CRM's opt-out list is read, counted by the CRM database itself: a trigger on each table counts the
 * statements that select from it (the list's table, and the table the version query reads, which the CRM bumps when
 * the list changes). Each call of {@link OptOutList#refreshCrm} is one round of the timer (route crm-optout-refresh, every
 * crm-preload); a snapshot is what a file's verdicts take, {@code optedOut} what a send batch asks. Defaults: crm-refresh
 * 30 s, crm-preload 20 s.
 */
class CrmListRenewalTest {

    static final String LIST = "select telefone from clientes_optout";
    static final String VERSION = "select versao from optout_versao";
    static final Duration REFRESH = Duration.ofSeconds(30);
    static final Duration PRELOAD = Duration.ofSeconds(20);

    final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T03:00:00Z"));
    final ArautoProperties properties = new ArautoProperties();
    Connection crm;
    Connection ledgerConnection;
    CrmDatabase crmDatabase;
    OptOutList list;

    @BeforeEach
    void crmWithOneOptOut() throws SQLException {
        String url = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        crm = DriverManager.getConnection(url, "sa", "");
        crm("create table clientes_optout (telefone varchar(40))");
        crm("create table optout_versao (versao integer)");
        crm("insert into clientes_optout values ('+55 (11) 97100-0001')");
        crm("insert into optout_versao values (1)");
        READS.clear();
        crm("create trigger lista_lida before select on clientes_optout call '" + CountSelects.class.getName() + "'");
        crm("create trigger versao_lida before select on optout_versao call '" + CountSelects.class.getName() + "'");
        properties.getCrm().getDatasource().setUrl(url);
        properties.getCrm().getDatasource().setUsername("sa");
        properties.getOptout().setQuery(LIST);
        assertThat(properties.getOptout().getCrmRefresh()).isEqualTo(REFRESH);
        assertThat(properties.getOptout().getCrmPreload()).isEqualTo(PRELOAD);
        ledgerConnection = DriverManager.getConnection("jdbc:h2:mem:ledger-" + UUID.randomUUID(), "sa", "");
        JdbcTemplate ledger = new JdbcTemplate(new SingleConnectionDataSource(ledgerConnection, true));
        ledger.execute("create table opt_out (phone_e164 varchar(20))"); // Arauto's own list, empty: only the CRM's is looked at
        crmDatabase = new CrmDatabase(properties);
        list = new OptOutList(ledger, null, null, null, crmDatabase, new PhoneNormalizer(properties), properties, null, clock);
    }

    @AfterEach
    void close() throws SQLException {
        crmDatabase.destroy();
        crm.close();
        ledgerConnection.close();
    }

    @Test
    void anIdleArautoLoadsTheListOnceAtStartAndThenLeavesTheCrmAlone() throws SQLException {
        list.refreshCrm(); // the first round, at start
        assertThat(runs(LIST)).isEqualTo(1);
        for (int round = 0; round < 180; round++) { // an hour of rounds with no file read and nothing sent
            clock.advance(PRELOAD);
            list.refreshCrm();
        }
        assertThat(runs(LIST)).as("reads of the list in an idle hour").isEqualTo(1);
    }

    @Test
    void aFileAfterAQuietSpellWaitsForTheListAsTheCrmHoldsItNow() throws SQLException {
        list.refreshCrm();
        crm("insert into clientes_optout values ('(11) 97100-0002')");
        for (int round = 0; round < 10; round++) {
            clock.advance(PRELOAD);
            list.refreshCrm();
        }
        assertThat(runs(LIST)).isEqualTo(1);

        OptOutList.Snapshot file = list.snapshot(); // the list is older than crm-refresh: read again before it is used
        assertThat(file.sourceOf(key("+5511971000002"))).isEqualTo(OptOutList.CRM);
        assertThat(runs(LIST)).isEqualTo(2);
    }

    @Test
    void aSendBatchAfterAQuietSpellIsCheckedAgainstTheListAsTheCrmHoldsItNow() throws SQLException {
        list.refreshCrm();
        crm("insert into clientes_optout values ('5511971000003')");
        clock.advance(Duration.ofHours(2));
        list.refreshCrm();
        assertThat(runs(LIST)).isEqualTo(1);

        assertThat(list.optedOut(List.of("+5511971000003", "+5511971000004"))).containsOnlyKeys("+5511971000003");
        assertThat(runs(LIST)).isEqualTo(2);
    }

    @Test
    void withinTheRefreshTheListHeldIsUsedAndNotReadAgain() throws SQLException {
        list.refreshCrm();
        crm("insert into clientes_optout values ('5511971000005')");
        clock.advance(REFRESH.minusSeconds(1));
        assertThat(list.snapshot().sourceOf(key("+5511971000005"))).as("not in the list held, 29 s old").isNull();
        assertThat(runs(LIST)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(list.snapshot().sourceOf(key("+5511971000005"))).as("30 s old: read again").isEqualTo(OptOutList.CRM);
        assertThat(runs(LIST)).isEqualTo(2);
    }

    @Test
    void whileFilesOrBatchesUseTheListTheTimerRenewsItBeforeItPassesTheRefresh() throws SQLException {
        list.refreshCrm(); // loaded at t = 0
        list.snapshot(); // in use

        clock.advance(Duration.ofSeconds(9));
        list.refreshCrm(); // 9 s old: still within crm-refresh at the next round (29 s)
        assertThat(runs(LIST)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        list.refreshCrm(); // 10 s old: it would be 30 s old by the next round, so it is renewed now
        assertThat(runs(LIST)).isEqualTo(2);

        for (int round = 0; round < 20; round++) { // batches keep using it: every batch finds it fresh, none waits
            clock.advance(PRELOAD);
            list.optedOut(List.of("+5511971000099"));
            list.refreshCrm();
        }
        assertThat(runs(LIST)).isEqualTo(22);

        for (int round = 0; round < 20; round++) { // the campaign is done: no use since the last renewal, no more reads
            clock.advance(PRELOAD);
            list.refreshCrm();
        }
        assertThat(runs(LIST)).isEqualTo(22);
    }

    @Test
    void withAVersionQueryAnUnchangedCrmListIsKeptAndAChangedOneReloaded() throws SQLException {
        properties.getOptout().setCrmVersionQuery(VERSION);
        list.refreshCrm();
        assertThat(runs(VERSION)).isEqualTo(1);
        assertThat(runs(LIST)).isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        assertThat(list.snapshot().sourceOf(key("+5511971000001"))).isEqualTo(OptOutList.CRM);
        assertThat(runs(VERSION)).as("the version asked before the list is used").isEqualTo(2);
        assertThat(runs(LIST)).as("same version: the list is kept").isEqualTo(1);

        clock.advance(REFRESH.minusSeconds(1)); // the check made the list current as of then: within crm-refresh of it, nothing is asked
        list.snapshot();
        assertThat(runs(VERSION)).isEqualTo(2);

        crm("insert into clientes_optout values ('(21) 99100-0006')");
        crm("update optout_versao set versao = 2");
        clock.advance(Duration.ofSeconds(1));
        assertThat(list.snapshot().sourceOf(key("+5521991000006"))).as("a new version: the list is read again").isEqualTo(OptOutList.CRM);
        assertThat(runs(VERSION)).isEqualTo(3);
        assertThat(runs(LIST)).isEqualTo(2);
    }

    @Test
    void withAVersionQueryTheTimerAsksForTheVersionOnlyWhileTheListIsInUse() throws SQLException {
        properties.getOptout().setCrmVersionQuery(VERSION);
        list.refreshCrm();
        for (int round = 0; round < 10; round++) { // a campaign going out: each round renews by asking the version
            list.optedOut(List.of("+5511971000099"));
            clock.advance(PRELOAD);
            list.refreshCrm();
        }
        assertThat(runs(VERSION)).isEqualTo(11);
        assertThat(runs(LIST)).isEqualTo(1);
        for (int round = 0; round < 10; round++) { // idle: neither
            clock.advance(PRELOAD);
            list.refreshCrm();
        }
        assertThat(runs(VERSION)).as("no use since the last renewal: nothing asked").isEqualTo(11);
        assertThat(runs(LIST)).isEqualTo(1);
    }

    @Test
    void aVersionQueryTheCrmRefusesIsNamedInTheReason() throws SQLException {
        properties.getOptout().setCrmVersionQuery("select max(nao_existe) from optout_versao");
        assertThatThrownBy(() -> list.snapshot()).isInstanceOf(CrmUnavailableException.class)
                .hasMessage("Arauto could not read the CRM's opt-out list (the CRM database refused "
                        + "arauto.optout.crm-version-query: check the table and column names)");
    }

    private static long key(String e164) {
        return PhoneNormalizer.toKey(e164);
    }

    static final Map<String, AtomicInteger> READS = new ConcurrentHashMap<>();

    /** How many statements read the table {@code sql} reads, by the CRM database's own count. */
    private static int runs(String sql) {
        String table = sql.equals(LIST) ? "CLIENTES_OPTOUT" : "OPTOUT_VERSAO";
        return READS.getOrDefault(table, new AtomicInteger()).get();
    }

    /** H2 calls it once before each statement that selects from the table it is on. */
    public static class CountSelects implements Trigger {
        private String table;

        @Override
        public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
            table = tableName;
        }

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
            READS.computeIfAbsent(table, t -> new AtomicInteger()).incrementAndGet();
        }
    }

    private void crm(String sql) throws SQLException {
        try (var statement = crm.createStatement()) {
            statement.execute(sql);
        }
    }
}
