package io.arauto.trigger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import io.arauto.ArautoApplication;
import io.arauto.config.ArautoProperties;
import io.arauto.config.ArautoProperties.Schedule;
import io.arauto.optout.CrmDatabase;
import io.arauto.template.TemplateCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Arauto refuses to start while a schedule is wrong, naming the property and what is wrong: a cron Quartz cannot read,
 * no template or an unknown one, no audience query, no CRM database, a name that cannot name campaigns.
 */
class SchedulesTest {

    private final ArautoProperties properties = new ArautoProperties();
    private CrmDatabase crm;

    SchedulesTest() {
        properties.setTemplatesFile(Path.of("src/test/resources/templates-test.yml"));
        properties.getCrm().getDatasource().setUrl("jdbc:h2:mem:schedules-test"); // the pool connects only when asked
    }

    @AfterEach
    void closeCrm() {
        if (crm != null) {
            crm.destroy();
        }
    }

    @Test
    void aGoodScheduleIsTakenAsWritten() {
        Schedule nightly = schedule("nightly", "0 0 2 * * ?", "pedido_enviado", "select telefone, nome, pedido, entrega from clientes");
        nightly.setTimeZone(ZoneId.of("America/Sao_Paulo"));

        Schedules schedules = schedules();

        assertThat(schedules.get("nightly")).isSameAs(nightly);
        assertThat(schedules.get("nightly").zone()).isEqualTo(ZoneId.of("America/Sao_Paulo"));
        assertThat(schedules.get("nightly").getGrace()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBadCronIsRefusedNamingTheProperty() {
        schedule("nightly", "0 0 25 * * ?", "pedido_enviado", "select 1");

        assertThatThrownBy(this::schedules).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Arauto cannot start: arauto.schedules.nightly.cron '0 0 25 * * ?' is not a Quartz cron expression (")
                .hasMessageContaining("e.g. '0 0 2 * * ?' for 02:00 every day");
    }

    @Test
    void aCronWithoutItsQuestionMarkIsRefused() {
        schedule("nightly", "0 0 2 * * *", "pedido_enviado", "select 1"); // Unix habit: Quartz wants '?' in a day field

        assertThatThrownBy(this::schedules).hasMessageContaining("arauto.schedules.nightly.cron '0 0 2 * * *' is not a Quartz cron");
    }

    @Test
    void aMissingCronIsRefused() {
        schedule("nightly", null, "pedido_enviado", "select 1");

        assertThatThrownBy(this::schedules).hasMessageContaining("arauto.schedules.nightly.cron is not set");
    }

    @Test
    void aMissingOrUnknownTemplateIsRefusedNamingTheProperty() {
        schedule("nightly", "0 0 2 * * ?", null, "select 1");
        schedule("weekly", "0 0 2 ? * MON", "nao_existe", "select 1");

        assertThatThrownBy(this::schedules)
                .hasMessageContaining("arauto.schedules.nightly.template is not set")
                .hasMessageContaining("arauto.schedules.weekly.template 'nao_existe': There is no template named 'nao_existe' in "
                        + "src/test/resources/templates-test.yml (known: ");
    }

    @Test
    void aMisconfiguredTemplateIsRefusedWithWhatIsWrongWithIt() {
        schedule("nightly", "0 0 2 * * ?", "quebrado", "select 1");

        assertThatThrownBy(this::schedules).hasMessageContaining("arauto.schedules.nightly.template 'quebrado': Template 'quebrado' is "
                + "misconfigured");
    }

    @Test
    void aScheduleWithoutAudienceQueryIsRefused() {
        schedule("nightly", "0 0 2 * * ?", "pedido_enviado", " ");

        assertThatThrownBy(this::schedules).hasMessageContaining("arauto.schedules.nightly.audience-query is not set");
    }

    @Test
    void aScheduleWithoutACrmDatabaseIsRefused() {
        properties.getCrm().getDatasource().setUrl(null);
        schedule("nightly", "0 0 2 * * ?", "pedido_enviado", "select 1");

        assertThatThrownBy(this::schedules).hasMessageContaining(
                "arauto.schedules.nightly runs its audience query on the CRM database, but arauto.crm.datasource.url is not set");
    }

    @Test
    void aNameThatCannotNameCampaignsAndANonPositiveGraceAreRefused() {
        schedule("noite/dia", "0 0 2 * * ?", "pedido_enviado", "select 1");
        schedule("nightly", "0 0 2 * * ?", "pedido_enviado", "select 1").setGrace(Duration.ZERO);

        assertThatThrownBy(this::schedules)
                .hasMessageContaining("arauto.schedules.noite/dia: a schedule's name may hold only letters, digits, '-' and '_'")
                .hasMessageContaining("arauto.schedules.nightly.grace must be more than 0");
    }

    /** The same check stops Arauto itself at start, before any route runs. */
    @Test
    void arautoDoesNotStartWithABadCron() throws Exception {
        Path data = Files.createTempDirectory("arauto-schedules-refused-");

        assertThatThrownBy(() -> new SpringApplicationBuilder(ArautoApplication.class).web(WebApplicationType.NONE).run(
                "--arauto.data-dir=" + data,
                "--arauto.templates-file=src/test/resources/templates-test.yml",
                "--arauto.crm.datasource.url=jdbc:h2:mem:schedules-refused",
                "--arauto.schedules.nightly.cron=0 0 2 * *",
                "--arauto.schedules.nightly.template=pedido_enviado",
                "--arauto.schedules.nightly.audience-query=select 1").close())
                .rootCause().isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Arauto cannot start: arauto.schedules.nightly.cron '0 0 2 * *' is not a Quartz cron expression");
    }

    private Schedule schedule(String name, String cron, String template, String query) {
        Schedule schedule = new Schedule();
        schedule.setCron(cron);
        schedule.setTemplate(template);
        schedule.setAudienceQuery(query);
        properties.getSchedules().put(name, schedule);
        return schedule;
    }

    private Schedules schedules() {
        crm = new CrmDatabase(properties);
        return new Schedules(properties, new TemplateCatalog(properties), crm);
    }
}
