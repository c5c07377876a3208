package io.arauto.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Health "ledger": DOWN with the database's own words as soon as a write fails, UP again once a committed write goes through. */
class LedgerHealthIndicatorTest {

    private final JdbcTemplate jdbc;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:00:00Z"));
    private final LedgerHealthIndicator health;

    LedgerHealthIndicatorTest() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:health-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("create table ledger_probe (id integer primary key, written_at timestamp with time zone not null)");
        jdbc.execute("insert into ledger_probe values (1, current_timestamp)");
        health = new LedgerHealthIndicator(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                clock);
    }

    @Test
    void aLedgerThatCannotBeWrittenIsDownWithTheReasonUntilAWriteGoesThroughAgain() {
        assertThat(health.probe()).isTrue();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        // the probe's write fails (a closed database, a full disk or a dead server look the same to Arauto)
        jdbc.execute("alter table ledger_probe rename to ledger_probe_gone");
        assertThat(health.probe()).isFalse();
        assertThat(health.isUp()).isFalse();
        Health down = health.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("reason").toString())
                .startsWith("The ledger cannot be written: ")
                .contains("LEDGER_PROBE")
                .endsWith("No message is sent until it can.")
                .doesNotContain("Exception");

        jdbc.execute("alter table ledger_probe_gone rename to ledger_probe");
        assertThat(health.probe()).isTrue();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theReasonIsTheInnermostMessageOnOneLine() {
        Exception cause = new RuntimeException("outer", new IllegalStateException("Connection to localhost:5432 refused.\nCheck that..."));
        assertThat(LedgerHealthIndicator.describe(cause)).isEqualTo("Connection to localhost:5432 refused.");
    }

    @Test
    void whileDownThePollersProbeAtMostOnceASecond() {
        jdbc.execute("alter table ledger_probe rename to ledger_probe_gone");
        assertThat(health.probe()).isFalse();
        jdbc.execute("alter table ledger_probe_gone rename to ledger_probe");
        clock.advance(Duration.ofMillis(900));
        assertThat(health.upOrBack()).as("no second probe within the second").isFalse();
        clock.advance(Duration.ofMillis(100));
        assertThat(health.upOrBack()).isTrue();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
