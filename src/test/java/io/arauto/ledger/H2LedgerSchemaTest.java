package io.arauto.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The app's migrations on H2, the embedded default (PostgresLedgerTest does the same on PostgreSQL). */
class H2LedgerSchemaTest {

    @Test
    void messageRowsCarryOnlyTheirPrimaryKeyIndex() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:schema-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        MigrateResult result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        assertThat(result.migrationsExecuted).isEqualTo(14);
        // V3 dropped the foreign key to campaign, and with it H2's index for it: one B-tree per inserted row
        assertThat(jdbc.queryForObject("select count(*) from information_schema.table_constraints "
                + "where table_name = 'MESSAGE' and constraint_type = 'FOREIGN KEY'", Integer.class)).isZero();
        assertThat(jdbc.queryForList("select index_name from information_schema.indexes where table_name = 'MESSAGE'", String.class))
                .singleElement().asString().startsWith("PRIMARY_KEY");
        // V6: the daily tier keeps its numbers in a table of its own, not in a second index of message
        assertThat(jdbc.queryForObject("select count(*) from recipient_request", Integer.class)).isZero();
        // V7: the sender lock, with the columns Spring Integration's DefaultLockRepository reads and writes
        assertThat(jdbc.queryForList("select column_name from information_schema.columns where table_name = 'INT_LOCK' "
                + "order by ordinal_position", String.class)).containsExactly("LOCK_KEY", "REGION", "CLIENT_ID", "CREATED_DATE");
        // V8: webhook events keep a body of up to 10 MiB, and the messages waiting for a reply have a table of their own
        assertThat(jdbc.queryForObject("select character_maximum_length from information_schema.columns "
                + "where table_name = 'WEBHOOK_EVENT' and column_name = 'PAYLOAD'", Long.class)).isEqualTo(10_485_760L);
        assertThat(jdbc.queryForObject("select count(*) from awaiting_reply", Integer.class)).isZero();
        // V12: an upload's send-at, kept on its campaign
        assertThat(jdbc.queryForList("select column_name from information_schema.columns where table_name = 'CAMPAIGN' "
                + "and column_name = 'SEND_AT'", String.class)).containsExactly("SEND_AT");
        // V13: the tables taking a row per webhook event hand out ids from a cache of 1,000 (a commit of its own each time it runs out)
        assertThat(jdbc.queryForList("select identity_cache from information_schema.columns where table_name in ('WEBHOOK_EVENT', 'AUDIT') "
                + "and column_name = 'ID'", Long.class)).containsExactly(1000L, 1000L);
        // V14: the watchdog's sending marks, a table of their own, not a second index of message (checked above)
        assertThat(jdbc.queryForObject("select count(*) from sending_mark", Integer.class)).isZero();
    }

    /** V9: entries written before it get their ninth-digit twin, mobiles only (the claim refuses a number in either form by it). */
    @Test
    void optOutsListedBeforeTheTwinColumnGetTheirTwin() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:twins-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("7").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (String phone : new String[] {"+5511987654321", "+552198765432", "+551134567890", "+5511934567890", "+14155550123"}) {
            jdbc.update("insert into opt_out (phone_e164, source, created_at) values (?, 'operator', current_timestamp)", phone);
        }
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

        assertThat(jdbc.queryForList("select phone_e164 || ' ' || coalesce(twin_e164, '-') from opt_out order by phone_e164", String.class))
                .containsExactly("+14155550123 -", "+551134567890 -", "+5511934567890 -", "+5511987654321 +551187654321",
                        "+552198765432 +5521998765432");
    }
}
