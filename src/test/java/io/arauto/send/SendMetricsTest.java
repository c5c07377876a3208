package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hooks the send path calls, as Prometheus reads them (SendLimitsTest scrapes the rest over
 * HTTP from a running Arauto): answer times, attempts by Meta's code, and pause causes.
 */
class SendMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void providerLatencyAttemptsByCodeAndPauseCausesAreExposed() throws Exception {
        // a ledger of its own (H2 in memory, the app's migrations) with one campaign sending: 2 sent, 5 queued
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:metrics-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        Clock clock = Clock.systemUTC();
        CampaignLedger campaigns = new CampaignLedger(jdbc, tx, new ObjectMapper(), clock);
        MessageLedger messages = new MessageLedger(jdbc, tx, new ObjectMapper(), clock);
        long campaign = campaigns.create("m.csv", "aviso_simples", "test", "aviso_simples/m.csv", "m", List.of("phone"));
        List<JudgedRow> rows = new ArrayList<>();
        for (int row = 2; row <= 8; row++) {
            rows.add(new JudgedRow(row, "+55119600004" + row, "+55119600004" + row, MessageStatus.QUEUED, null, List.of("x")));
        }
        messages.insert(campaign, rows);
        campaigns.markRead(campaign, rows.size(), true);
        for (int row = 2; row <= 3; row++) {
            assertThat(messages.markSending(campaign, row)).isTrue();
            messages.markSent(campaign, row, "wamid." + row);
        }
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setDailyLimit(0);
        AtomicBoolean ledgerDown = new AtomicBoolean();
        LedgerHealthIndicator ledger = new LedgerHealthIndicator(jdbc, tx, clock) {
            @Override
            public boolean isUp() {
                return !ledgerDown.get();
            }
        };
        SendMetrics metrics = new SendMetrics(registry, campaigns, new DailyTier(messages, clock, properties), ledger);
        AtomicBoolean accountStopped = new AtomicBoolean();

        metrics.latency(Duration.ofMillis(200));
        metrics.latency(Duration.ofMillis(400));
        metrics.attempt(new SendOutcome.Rejected("131049", "marketing limit", "", MetaErrors.Action.FAIL_FOR_A_DAY, null));
        metrics.attempt(new SendOutcome.Rejected("131049", "marketing limit", "", MetaErrors.Action.FAIL_FOR_A_DAY, null));
        metrics.attempt(new SendOutcome.Accepted("wamid.1"));
        metrics.attempt("retry_later", "130429");
        metrics.pausedWhen("meta-account", accountStopped::get);

        String scrape = registry.scrape();
        assertThat(scrape).contains("arauto_send_provider_latency_seconds_count 2", "arauto_send_provider_latency_seconds_sum 0.6");
        assertThat(scrape).contains("arauto_send_attempts_total{code=\"131049\",outcome=\"rejected\"} 2",
                "arauto_send_attempts_total{code=\"none\",outcome=\"accepted\"} 1",
                "arauto_send_attempts_total{code=\"130429\",outcome=\"retry_later\"} 1");
        assertThat(scrape).contains("arauto_messages{status=\"QUEUED\"} 5", "arauto_messages{status=\"SENT\"} 2",
                "arauto_messages{status=\"FAILED\"} 0", "arauto_send_queue_depth 5");
        assertThat(scrape).contains("arauto_send_paused{cause=\"meta-account\"} 0", "arauto_send_paused{cause=\"ledger\"} 0")
                .as("no tier set: no budget to show").doesNotContain("arauto_send_daily_remaining");

        accountStopped.set(true);
        ledgerDown.set(true);
        assertThat(registry.scrape()).contains("arauto_send_paused{cause=\"meta-account\"} 1", "arauto_send_paused{cause=\"ledger\"} 1");
    }
}
