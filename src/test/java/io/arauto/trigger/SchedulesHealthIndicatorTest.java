package io.arauto.trigger;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.ScheduleLedger;
import io.arauto.support.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "schedules" health component over the real ledger (the app's migrations on H2): present only when a schedule is
 * configured; UP with each schedule's next fire time and its last occurrence's state; DOWN with the reason while the last
 * occurrence of a schedule FAILED, UP again once a later one did not.
 */
class SchedulesHealthIndicatorTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final ScheduleLedger ledger = new ScheduleLedger(ledgerDatabase(), clock);
    private final ArautoProperties properties = new ArautoProperties();

    private static JdbcTemplate ledgerDatabase() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:schedules-health-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new JdbcTemplate(dataSource);
    }

    private void schedule(String name, String cron, String zone) {
        ArautoProperties.Schedule schedule = new ArautoProperties.Schedule();
        schedule.setCron(cron);
        schedule.setTimeZone(ZoneId.of(zone));
        schedule.setTemplate("pedido_enviado");
        schedule.setAudienceQuery("select celular, nome from clientes");
        properties.getSchedules().put(name, schedule);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Health health, String schedule) {
        return (Map<String, Object>) health.getDetails().get(schedule);
    }

    @Test
    void upWithEachSchedulesNextFireTimeAndItsLastOccurrenceDownWhileTheLastOneFailed() {
        schedule("nightly", "0 0 2 * * ?", "America/Sao_Paulo");
        schedule("weekly", "0 30 6 ? * MON", "UTC");
        SchedulesHealthIndicator indicator = new SchedulesHealthIndicator(properties, ledger, clock);

        Health fresh = indicator.health();
        assertThat(fresh.getStatus()).isEqualTo(Status.UP);
        // 02:00 in São Paulo (-03:00) after 2026-11-30 12:00 UTC; Monday 06:30 UTC after Monday noon is a week on
        assertThat(details(fresh, "nightly")).containsEntry("nextFireAt", "2026-12-01T05:00:00Z")
                .containsEntry("cron", "0 0 2 * * ?").containsEntry("timeZone", "America/Sao_Paulo")
                .containsEntry("lastOccurrence", "none yet");
        assertThat(details(fresh, "weekly")).containsEntry("nextFireAt", "2026-12-07T06:30:00Z");

        Instant lastNight = Instant.parse("2026-11-30T05:00:00Z");
        ledger.take("nightly", lastNight, ScheduleLedger.Outcome.RUNNING, null);
        ledger.campaign("nightly", lastNight, 42L);
        ledger.finish("nightly", lastNight, ScheduleLedger.Outcome.DONE, null);
        Health done = indicator.health();
        assertThat(done.getStatus()).isEqualTo(Status.UP);
        assertThat(details(done, "nightly").get("lastOccurrence"))
                .isEqualTo(Map.of("occursAt", "2026-11-30T05:00:00Z", "state", "DONE", "campaignId", 42L));

        Instant lastWeek = Instant.parse("2026-11-30T06:30:00Z");
        ledger.take("weekly", lastWeek, ScheduleLedger.Outcome.RUNNING, null);
        ledger.finish("weekly", lastWeek, ScheduleLedger.Outcome.FAILED, "The audience query failed on the CRM database: "
                + "table CLIENTES_SEMANA not found");
        Health failed = indicator.health();
        assertThat(failed.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) failed.getDetails().get("reason")).contains("schedule 'weekly'", "2026-11-30T06:30:00Z", "FAILED",
                "table CLIENTES_SEMANA not found", "2026-12-07T06:30:00Z").doesNotContain("nightly");
        assertThat(details(failed, "weekly").get("lastOccurrence")).isEqualTo(Map.of("occursAt", "2026-11-30T06:30:00Z",
                "state", "FAILED", "reason", "The audience query failed on the CRM database: table CLIENTES_SEMANA not found"));

        // a later occurrence that ran puts it right
        clock.set(Instant.parse("2026-12-07T07:00:00Z"));
        Instant thisWeek = Instant.parse("2026-12-07T06:30:00Z");
        ledger.take("weekly", thisWeek, ScheduleLedger.Outcome.RUNNING, null);
        ledger.finish("weekly", thisWeek, ScheduleLedger.Outcome.DONE, null);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theComponentIsThereOnlyWhenASchedulesIsConfigured() {
        ApplicationContextRunner context = new ApplicationContextRunner()
                .withBean(ArautoProperties.class, () -> properties)
                .withBean(ScheduleLedger.class, () -> ledger)
                .withBean(Clock.class, () -> clock)
                .withUserConfiguration(SchedulesHealthIndicator.class);

        context.run(none -> assertThat(none).doesNotHaveBean(SchedulesHealthIndicator.class));
        context.withPropertyValues("arauto.schedules.nightly.cron=0 0 2 * * ?", "arauto.schedules.nightly.template=pedido_enviado")
                .run(some -> assertThat(some).hasSingleBean(SchedulesHealthIndicator.class));
    }
}
