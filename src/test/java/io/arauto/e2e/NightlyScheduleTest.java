package io.arauto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.ledger.LedgerRecovery;
import io.arauto.ledger.ScheduleLedger;
import io.arauto.ledger.ScheduleLedger.Occurrence;
import io.arauto.ledger.ScheduleLedger.Outcome;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.Exchanges;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nightly schedules on a real CRM database (H2): the schedule {@code nightly} is fired by Quartz, at a second of every
 * minute the test picks when it starts (so it comes within a minute of Arauto's start, however long that takes), in São
 * Paulo's time; its audience becomes a campaign through the file's pipeline, status file and audit included. The other
 * schedules never fire by themselves while it runs (their cron is in 2099, or half an hour away): the test hands their
 * occurrences to the route schedule-occurrence as Quartz would, at times it chooses, to show the grace and what fails,
 * or restarts a schedule's route to show what it catches up.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its Quartz triggers stop once the class is done
class NightlyScheduleTest {

    static final Path DATA_DIR = tempDir("arauto-schedules-");
    static final String CRM_URL = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");
    /** The second of each minute when {@code nightly} fires: some 40 s after the class is loaded, once Arauto is up. */
    /**
     * The second of each minute when {@code nightly} fires: 15 s after the context reads its cron, about when the
     * context has started (read once, when the context asks; if the start takes longer, the next minute fires).
     */
    private static Integer second;

    static synchronized int second() {
        if (second == null) {
            second = (int) ((Instant.now().getEpochSecond() + 15) % 60);
        }
        return second;
    }
    static final String NEVER = "0 0 3 1 1 ? 2099";
    /** The minute of each hour when {@code hourly} fires: half an hour from now, so never while the class runs. */
    static final int HOURLY_MINUTE = (Instant.now().atZone(ZoneOffset.UTC).getMinute() + 30) % 60;
    static final Connection CRM;

    static {
        try {
            CRM = DriverManager.getConnection(CRM_URL, "sa", "");
            // the CRM's own names; the query's labels are what the template reads (H2 says them in upper case)
            crm("create table clientes (id int primary key, celular varchar(40), nome_cliente varchar(80), numero_pedido int, "
                    + "entrega varchar(20))");
            crm("insert into clientes values (1, '5511973100001', 'Ana', 1001, 'hoje'), (2, 'not a phone', 'Bia', 1002, 'hoje'), "
                    + "(3, '+55 11 97310-0001', 'Ana again', 1003, 'amanhã'), (4, '(11) 97310-0004', 'Duda', 1004, 'hoje'), "
                    + "(5, '5511973100005', null, 1005, 'hoje')");
            crm("create table clientes_optout (telefone varchar(40))");
            crm("insert into clientes_optout values ('+55 (11) 97310-0004')");
            crm("create table semanal (celular varchar(40), nome varchar(80), pedido varchar(20), entrega varchar(20))");
            crm("insert into semanal values ('5511973100101', 'Edu', 'S-1', 'sexta')");
            crm("create table horario (celular varchar(40), nome varchar(80), pedido varchar(20), entrega varchar(20))");
            crm("insert into horario values ('5511973100201', 'Fabi', 'H-1', 'agora')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ArautoTestBase.appOn(DATA_DIR, registry);
        registry.add("arauto.crm.datasource.url", () -> CRM_URL);
        registry.add("arauto.crm.datasource.username", () -> "sa");
        registry.add("arauto.crm.datasource.password", () -> "");
        registry.add("arauto.optout.query", () -> "select telefone from clientes_optout");
        registry.add("arauto.optout.crm-refresh", () -> "0s");
        registry.add("arauto.schedules.nightly.cron", () -> second() + " * * * * ?");
        registry.add("arauto.schedules.nightly.time-zone", () -> "America/Sao_Paulo");
        registry.add("arauto.schedules.nightly.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.nightly.audience-query", () -> "select celular, nome_cliente as nome, numero_pedido as pedido, "
                + "entrega from clientes order by id");
        registry.add("arauto.schedules.weekly.cron", () -> NEVER);
        registry.add("arauto.schedules.weekly.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.weekly.audience-query", () -> "select * from semanal");
        registry.add("arauto.schedules.hourly.cron", () -> "0 " + HOURLY_MINUTE + " * * * ?");
        registry.add("arauto.schedules.hourly.time-zone", () -> "UTC");
        registry.add("arauto.schedules.hourly.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.hourly.audience-query", () -> "select * from horario");
        registry.add("arauto.schedules.nobody.cron", () -> NEVER);
        registry.add("arauto.schedules.nobody.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.nobody.audience-query", () -> "select * from semanal where 1 = 0");
        registry.add("arauto.schedules.broken.cron", () -> NEVER);
        registry.add("arauto.schedules.broken.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.broken.audience-query", () -> "select celular, nome from tabela_que_nao_existe");
        registry.add("arauto.schedules.short.cron", () -> NEVER);
        registry.add("arauto.schedules.short.template", () -> "pedido_enviado");
        registry.add("arauto.schedules.short.audience-query", () -> "select celular, nome from semanal"); // no pedido, no entrega
    }

    @Autowired
    ScheduleLedger occurrences;
    @Autowired
    JdbcTemplate ledger;
    @Autowired
    ProducerTemplate routes;
    @Autowired
    CamelContext camel;
    @Autowired
    LedgerRecovery recovery;

    @Test
    void quartzFiresTheScheduleAndItsAudienceBecomesACampaignWithItsStatusFileLikeAFile() throws IOException {
        Occurrence occurrence = await().atMost(Duration.ofSeconds(150))
                .until(() -> occurrences.occurrences("nightly").stream().filter(o -> o.outcome() == Outcome.DONE).findFirst(),
                        Optional::isPresent).orElseThrow();
        Instant at = occurrence.occursAt();
        assertThat(at.atZone(ZoneOffset.UTC).getSecond()).as("fired at the cron's second").isEqualTo(second());
        long campaign = occurrence.campaignId();
        String name = "nightly-" + DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(SAO_PAULO));
        assertThat(ledger.queryForMap("select name, template, source, source_file from campaign where id = ?", campaign))
                .containsEntry("NAME", name).containsEntry("TEMPLATE", "pedido_enviado").containsEntry("SOURCE", Exchanges.SCHEDULE)
                .containsEntry("SOURCE_FILE", "schedules/nightly");

        // the file's verdicts, opt-outs included, and the message sent with the variables by the query's labels
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.queryForObject("select settled_at from campaign where id = ?",
                Timestamp.class, campaign) != null);
        Path status = DATA_DIR.resolve("outbox").resolve(name + "." + campaign + ".status.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(status)
                && Files.readString(status, StandardCharsets.UTF_8).contains(",SENT,"));
        List<String> lines = Files.readAllLines(status, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).endsWith("row,phone,phone_e164,status,reason,error_code,message_id,updated_at,CELULAR,NOME,PEDIDO,ENTREGA");
        assertThat(lines.get(1)).startsWith("2,5511973100001,+5511973100001,SENT,");
        assertThat(lines.get(2)).startsWith("3,not a phone,,INVALID,");
        assertThat(lines.get(3)).startsWith("4,'+55 11 97310-0001,+5511973100001,DUPLICATE,");
        assertThat(lines.get(4)).startsWith("5,(11) 97310-0004,+5511973100004,OPTED_OUT,");
        assertThat(lines.get(5)).startsWith("6,5511973100005,+5511973100005,INVALID,");
        assertThat(ArautoTestBase.requestsTo("5511973100001")).hasSize(1)
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"Ana\"", "\"1001\"", "\"hoje\""));

        String audit = Files.readString(DATA_DIR.resolve("audit").resolve("audit-" + DateTimeFormatter.ISO_LOCAL_DATE.format(
                Instant.now().atZone(ZoneOffset.UTC)) + ".jsonl"), StandardCharsets.UTF_8);
        assertThat(audit).contains("\"event\":\"schedule_started\",\"campaign_id\":null,\"schedule\":\"nightly\",\"occurrence\":\"" + at + "\"")
                .contains("\"event\":\"campaign_created\",\"campaign_id\":" + campaign + ",\"schedule\":\"nightly\"");

        // the same occurrence again (a restart, a misfire, the lead changing hands at that moment) runs nothing
        fire("nightly", at);
        assertThat(ledger.queryForObject("select count(*) from campaign where name = ?", Integer.class, name)).isEqualTo(1);
        assertThat(occurrences.occurrences("nightly")).filteredOn(o -> o.occursAt().equals(at)).containsExactly(occurrence);
    }

    @Test
    void anOccurrenceLeftRunningByAnInstanceThatStoppedIsNotRunAgainAndTheWatchdogMarksItFailed() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        // what an instance that died while its query ran leaves behind (stale: older than arauto.ledger.stale-after, 2 min)
        ledger.update("insert into schedule_occurrence (schedule_name, occurs_at, status, started_at) values ('weekly', ?, 'RUNNING', ?)",
                Timestamp.from(at), Timestamp.from(at));

        fire("weekly", at); // the same occurrence again, as after a restart

        assertThat(occurrences.occurrences("weekly")).filteredOn(o -> o.occursAt().equals(at)).singleElement()
                .satisfies(o -> assertThat(o.campaignId()).as("no campaign was opened for it").isNull());

        recovery.recover(); // the ledger watchdog, as at start and every 30 s
        assertThat(occurrences.occurrences("weekly")).filteredOn(o -> o.occursAt().equals(at)).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(o.reason()).isEqualTo("Arauto stopped while the audience was being read; nothing of it was sent, and the "
                    + "occurrence is not run again");
        });
    }

    @Test
    void anOccurrenceLaterThanItsGraceIsSkippedAndAuditedAndOneWithinItRuns() throws IOException {
        Instant late = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2)); // grace: 1 h, the default
        Instant inTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));

        fire("weekly", late);
        fire("weekly", inTime);

        assertThat(occurrences.occurrences("weekly")).filteredOn(o -> o.occursAt().equals(late)).singleElement()
                .satisfies(o -> {
                    assertThat(o.outcome()).isEqualTo(Outcome.SKIPPED);
                    assertThat(o.campaignId()).isNull();
                    assertThat(o.reason()).contains("2 h after its time", "grace of 1 h", "arauto.schedules.weekly.grace");
                });
        assertThat(auditToday()).contains("\"event\":\"schedule_skipped\",\"campaign_id\":null,\"schedule\":\"weekly\",\"occurrence\":\""
                + late + "\",\"late_seconds\":");
        assertThat(occurrences.occurrences("weekly")).filteredOn(o -> o.occursAt().equals(inTime)).singleElement()
                .satisfies(o -> assertThat(o.outcome()).isEqualTo(Outcome.DONE));
        await().atMost(Duration.ofSeconds(30)).until(() -> ArautoTestBase.requestsTo("5511973100101").size() == 1);
    }

    @Test
    void aFailingAudienceQueryOrAMissingColumnFailsTheOccurrenceSayingWhyAndSendsNothing() throws IOException {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1));

        fire("broken", at);
        fire("short", at);

        assertThat(occurrences.occurrences("broken")).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(o.reason()).startsWith("The audience query (arauto.schedules.broken.audience-query) could not be run on the CRM "
                    + "database: ").contains("TABELA_QUE_NAO_EXISTE");
        });
        assertThat(occurrences.occurrences("short")).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(o.reason()).contains("pedido", "entrega");
            assertThat(o.campaignId()).as("refused before its campaign was opened").isNull();
        });
        assertThat(ledger.queryForObject("select count(*) from campaign where name like 'short-%' or name like 'broken-%'",
                Integer.class)).isZero();
        assertThat(auditToday()).contains("\"event\":\"schedule_failed\",\"campaign_id\":null,\"schedule\":\"broken\"")
                .contains("\"event\":\"schedule_failed\",\"campaign_id\":null,\"schedule\":\"short\"");
    }

    @Test
    void occurrencesMissedWhileTheScheduleWasNotRunningRunWhenItStartsIfWithinTheirGraceAndAreSkippedIfNot() throws Exception {
        Instant now = Instant.now();
        Instant candidate = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(HOURLY_MINUTE));
        Instant latest = candidate.isAfter(now) ? candidate.minus(Duration.ofHours(1)) : candidate; // its latest time: ~30 min ago
        // the schedule last ran three hours before that; then this instance stopped running it (stopped, or no longer the active sender)
        ledger.update("insert into schedule_occurrence (schedule_name, occurs_at, status, started_at) values ('hourly', ?, 'DONE', ?)",
                Timestamp.from(latest.minus(Duration.ofHours(3))), Timestamp.from(latest.minus(Duration.ofHours(3))));

        camel.getRouteController().stopRoute("schedule-hourly");
        camel.getRouteController().startRoute("schedule-hourly"); // as when Arauto starts, or this instance becomes the active sender

        await().atMost(Duration.ofSeconds(30)).until(() -> occurrences.occurrences("hourly").stream()
                .anyMatch(o -> o.occursAt().equals(latest) && o.outcome() == Outcome.DONE));
        assertThat(occurrences.occurrences("hourly")).extracting(Occurrence::occursAt, Occurrence::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(latest.minus(Duration.ofHours(3)), Outcome.DONE),
                org.assertj.core.groups.Tuple.tuple(latest.minus(Duration.ofHours(2)), Outcome.SKIPPED), // 2 h 30 min late, grace 1 h
                org.assertj.core.groups.Tuple.tuple(latest.minus(Duration.ofHours(1)), Outcome.SKIPPED), // 1 h 30 min late
                org.assertj.core.groups.Tuple.tuple(latest, Outcome.DONE));                            // 30 min late: it runs
        assertThat(auditToday()).contains("\"event\":\"schedule_skipped\",\"campaign_id\":null,\"schedule\":\"hourly\",\"occurrence\":\""
                + latest.minus(Duration.ofHours(2)) + "\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> ArautoTestBase.requestsTo("5511973100201").size() == 1);

        // started again, nothing is missed any more: nothing runs twice
        camel.getRouteController().stopRoute("schedule-hourly");
        camel.getRouteController().startRoute("schedule-hourly");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> occurrences.occurrences("hourly").size() == 4);
        assertThat(ArautoTestBase.requestsTo("5511973100201")).hasSize(1);
    }

    @Test
    void anAudienceOfNobodyIsAnEmptyCampaignSettledAtOnceWithItsStatusFile() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2));

        fire("nobody", at);

        Occurrence occurrence = occurrences.occurrences("nobody").get(0);
        assertThat(occurrence.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ledger.queryForMap("select status, total_rows from campaign where id = ?", occurrence.campaignId()))
                .containsEntry("STATUS", "DONE").containsEntry("TOTAL_ROWS", 0);
        Path status = DATA_DIR.resolve("outbox").resolve("nobody-" + DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(ZoneId.systemDefault()))
                + "." + occurrence.campaignId() + ".status.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(status));
    }

    /** Hands the route the occurrence of {@code schedule} due at {@code at}, as its Quartz route does. */
    private void fire(String schedule, Instant at) {
        routes.sendBodyAndHeaders("direct:schedule-occurrence", null,
                Map.of(Exchanges.SCHEDULE_NAME, schedule, Exchanges.OCCURRENCE, Date.from(at)));
    }

    private static String auditToday() throws IOException {
        return Files.readString(DATA_DIR.resolve("audit").resolve("audit-" + DateTimeFormatter.ISO_LOCAL_DATE.format(
                Instant.now().atZone(ZoneOffset.UTC)) + ".jsonl"), StandardCharsets.UTF_8);
    }

    private static void crm(String sql) throws SQLException {
        CRM.createStatement().execute(sql);
    }
}
