package io.arauto.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.optout.CrmDatabase;
import io.arauto.optout.OptOutList;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.SettableClock;
import io.arauto.support.UsesTestTemplates;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CRM's opt-out list as it is used for real: kept for {@code crm-refresh} (30 s, not the 0 s
 * the other tests use), on a clock the test moves, and read from a CRM database on its own server
 * (H2 over TCP), which the test can take away. Its background renewal is stopped (but in the test of an idle
 * Arauto), so every read is one a file or a send batch asked for.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
@ExtendWith(OutputCaptureExtension.class)
@Import(CrmOptOutTest.TestClockAndQuickCrmTimeout.class)
class CrmOptOutTest {

    static final Duration CRM_REFRESH = Duration.ofSeconds(30);
    static final Path DATA_DIR = tempDir("arauto-crm-");
    static final SettableClock CLOCK = new SettableClock(Instant.now());
    static final String CRM_DB = "mem:crm-" + UUID.randomUUID();
    static final int CRM_PORT = freePort();
    static final Connection CRM;
    static Server crmServer;
    static final List<String> HEADER = List.of("phone", "name", "code");

    static {
        try {
            CRM = DriverManager.getConnection("jdbc:h2:" + CRM_DB + ";DB_CLOSE_DELAY=-1", "sa", "");
            CRM.createStatement().execute("create table clientes_optout (telefone varchar(40))");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        crmUp();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ArautoTestBase.appOn(DATA_DIR, registry);
        registry.add("arauto.crm.datasource.url", () -> "jdbc:h2:tcp://127.0.0.1:" + CRM_PORT + "/" + CRM_DB);
        registry.add("arauto.crm.datasource.username", () -> "sa");
        registry.add("arauto.crm.datasource.password", () -> "");
        registry.add("arauto.optout.query", () -> "select telefone from clientes_optout");
        registry.add("arauto.optout.crm-refresh", () -> CRM_REFRESH.toSeconds() + "s");
        registry.add("arauto.optout.crm-preload", () -> "300ms"); // the background rounds one test lets run come quickly
        registry.add("arauto.send.batch-size", () -> "2"); // a campaign of a few rows goes out in several batches
    }

    /** Arauto's clock is the test's; the CRM's pool gives up on a connection after 1 s instead of 30. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestClockAndQuickCrmTimeout {
        @Bean
        static BeanPostProcessor clockAndCrmTimeout() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (name.equals("clock")) {
                        return CLOCK;
                    }
                    if (bean instanceof CrmDatabase crm) {
                        crm.dataSource().map(HikariDataSource.class::cast).ifPresent(pool -> {
                            pool.setConnectionTimeout(1_000);
                            pool.setValidationTimeout(500);
                        });
                    }
                    return bean;
                }
            };
        }
    }

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    OptOutList optOuts;
    @Autowired
    JdbcTemplate ledger;
    @Autowired
    CamelContext camel;

    @BeforeEach
    void onlyReadsSomeoneAskedFor() throws Exception {
        camel.getRouteController().stopRoute("crm-optout-refresh");
        crmUp();
    }

    @AfterAll
    static void stopCrm() throws SQLException {
        crmDown();
        CRM.close();
    }

    @Test
    void aCrmOptOutIsHonouredBeforeSendingOnceTheListArautoHoldsIsAsOldAsTheRefresh() throws Exception {
        String kept = "5511971000001";
        String leaving = "5511971000002";
        holdTheCrmListAsItIsNow();
        long campaign = campaigns.create("tarde.csv", "aviso_simples", "test", "aviso_simples/tarde.csv", "a", HEADER);
        messages.insert(campaign, List.of(row(2, kept), row(3, leaving)));
        crm("insert into clientes_optout values ('(11) 97100-0002')"); // after the file was read, before it is sent

        CLOCK.advance(CRM_REFRESH); // the list Arauto holds is now as old as crm-refresh: the next batch must read the CRM again
        campaigns.markRead(campaign, 2, true);

        awaitSettled(campaign);
        assertThat(status(campaign, 2)).isEqualTo("SENT");
        assertThat(status(campaign, 3)).isEqualTo("OPTED_OUT");
        assertThat(reason(campaign, 3)).contains("CRM opt-out list");
        assertThat(ArautoTestBase.requestsTo(kept)).hasSize(1);
        assertThat(ArautoTestBase.requestsTo(leaving)).isEmpty();
    }

    @Test
    void withinTheRefreshEveryBatchIsCheckedAgainstTheListArautoHoldsWithoutReadingTheCrmAgain(CapturedOutput log) throws Exception {
        crm("insert into clientes_optout values ('+55 11 97100-0013')");
        holdTheCrmListAsItIsNow(); // the list now holds 5511971000013
        int reads = crmReads(log);
        long campaign = campaigns.create("lotes.csv", "aviso_simples", "test", "aviso_simples/lotes.csv", "b", HEADER);
        messages.insert(campaign, List.of(row(2, "5511971000011"), row(3, "5511971000012"), row(4, "5511971000013"),
                row(5, "5511971000014"), row(6, "5511971000015")));
        campaigns.markRead(campaign, 5, true); // three batches of two

        awaitSettled(campaign);
        assertThat(status(campaign, 4)).isEqualTo("OPTED_OUT");
        assertThat(reason(campaign, 4)).contains("CRM opt-out list");
        assertThat(List.of(2, 3, 5, 6)).allSatisfy(row -> assertThat(status(campaign, row)).isEqualTo("SENT"));
        assertThat(ArautoTestBase.requestsTo("5511971000013")).isEmpty();
        assertThat(crmReads(log)).as("reads of the CRM while the campaign went out").isEqualTo(reads);
    }

    @Test
    void withTheCrmAwayFilesAreRejectedSayingSoAndSendingWaitsUntilItIsBack(CapturedOutput log) throws Exception {
        String waiting = "5511971000021";
        String inTheFile = "5511971000022";
        crmDown();
        CLOCK.advance(CRM_REFRESH); // whatever list Arauto holds is too old to use
        long campaign = campaigns.create("espera.csv", "aviso_simples", "test", "aviso_simples/espera.csv", "c", HEADER);
        messages.insert(campaign, List.of(row(2, waiting)));
        campaigns.markRead(campaign, 1, true);
        Path file = ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "pedido_enviado", "crm-fora.csv",
                ("telefone,nome,pedido,entrega\n" + inTheFile + ",Rita,1,hoje\n").getBytes(StandardCharsets.UTF_8));

        Path note = DATA_DIR.resolve("error/crm-fora.csv.error.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(note) && !Files.exists(file));
        assertThat(Files.readString(note)).startsWith("pedido_enviado/crm-fora.csv was not taken.")
                .contains("could not read the CRM's opt-out list");
        assertThat(ledger.queryForObject("select count(*) from campaign where name = 'crm-fora.csv' and status <> 'REJECTED'",
                Integer.class)).isZero();

        // sending waits: round after round finds the CRM away and sends nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "Sending waits") >= 2);
        assertThat(status(campaign, 2)).isEqualTo("QUEUED");
        assertThat(ArautoTestBase.requestsTo(waiting)).isEmpty();

        crmUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(campaign, 2).equals("SENT"));
        assertThat(ArautoTestBase.requestsTo(waiting)).hasSize(1);
        assertThat(ArautoTestBase.requestsTo(inTheFile)).isEmpty();
    }

    @Test
    void anIdleArautoLeavesTheCrmAloneAndTheFirstFileAfterwardsIsJudgedAgainstTheListAsItIsNow(CapturedOutput log) throws Exception {
        CLOCK.advance(CRM_REFRESH);
        optOuts.refreshCrm(); // a round: renews the list if the tests before used it since it was last renewed; now nothing has
        int reads = crmReads(log);

        CLOCK.advance(Duration.ofHours(1)); // an hour with no file and nothing to send: the list Arauto holds is long too old
        NotifyBuilder rounds = new NotifyBuilder(camel).fromRoute("crm-optout-refresh").whenCompleted(5).create();
        camel.getRouteController().startRoute("crm-optout-refresh");
        assertThat(rounds.matches(30, TimeUnit.SECONDS)).as("five background rounds").isTrue();
        camel.getRouteController().stopRoute("crm-optout-refresh");
        assertThat(crmReads(log)).as("reads of the CRM by an idle Arauto").isEqualTo(reads);

        crm("insert into clientes_optout values ('11 97100-0031')"); // while Arauto was idle
        Path file = ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "pedido_enviado", "depois-do-almoco.csv",
                "telefone,nome,pedido,entrega\n5511971000031,Rita,1,hoje\n5511971000032,Caio,2,hoje\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
        long campaign = ledger.queryForObject("select id from campaign where name = 'depois-do-almoco.csv'", Long.class);
        assertThat(status(campaign, 2)).isEqualTo("OPTED_OUT");
        assertThat(reason(campaign, 2)).contains("CRM opt-out list");
        awaitSettled(campaign);
        assertThat(status(campaign, 3)).isEqualTo("SENT");
        assertThat(ArautoTestBase.requestsTo("5511971000031")).isEmpty();
        assertThat(crmReads(log)).as("the file read the CRM once; its send batches used that list").isEqualTo(reads + 1);
    }

    /** A file read now would take the CRM's list as it is now: the one Arauto held was too old. */
    private void holdTheCrmListAsItIsNow() {
        CLOCK.advance(CRM_REFRESH);
        optOuts.snapshot();
    }

    private static JudgedRow row(int number, String phone) {
        return new JudgedRow(number, phone, "+" + phone, MessageStatus.QUEUED, null, List.of(phone, "Name", "C-" + number));
    }

    private void awaitSettled(long campaign) {
        await().atMost(Duration.ofSeconds(30)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
    }

    private String status(long campaign, int row) {
        return ledger.queryForObject("select status from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }

    private String reason(long campaign, int row) {
        return ledger.queryForObject("select reason from message where campaign_id = ? and row_num = ?", String.class, campaign, row);
    }


    private static int crmReads(CapturedOutput log) {
        return count(log, "CRM opt-out list loaded");
    }

    private static int count(CapturedOutput log, String text) {
        return log.getAll().split(Pattern.quote(text), -1).length - 1;
    }

    private static void crm(String sql) throws SQLException {
        CRM.createStatement().execute(sql);
    }

    private static synchronized void crmUp() {
        if (crmServer == null) {
            try {
                crmServer = Server.createTcpServer("-tcpPort", String.valueOf(CRM_PORT), "-tcpDaemon").start();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not start the CRM's database server on port " + CRM_PORT, e);
            }
        }
    }

    private static synchronized void crmDown() {
        if (crmServer != null) {
            crmServer.stop();
            crmServer = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
