package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.intake.crm.CrmRequestTable;
import io.arauto.intake.crm.CrmRequests;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.FastTimings;
import io.arauto.support.SharedPostgres;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CRM trigger table on PostgreSQL, as the README sets it up (its DDL and its example trigger, taken
 * from the README itself), with the ledger on PostgreSQL too: an order inserted in the CRM becomes a
 * message the sandbox sends and reports read, and the row shows it; a bad row says why; two takers
 * racing on PostgreSQL's locks record each row once and mark it taken once.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its pollers stop once the class is done
class CrmRequestsPostgresTest {

    static final Path DATA_DIR = tempDir("arauto-crm-requests-pg-");
    static final String LEDGER_URL = SharedPostgres.newDatabase("crm_requests_ledger");
    static final String CRM_URL = SharedPostgres.newDatabase("crm_requests_crm");
    static final Connection CRM;

    static {
        try {
            CRM = DriverManager.getConnection(CRM_URL, SharedPostgres.USER, SharedPostgres.PASSWORD);
            try (Statement sql = CRM.createStatement()) {
                sql.execute("create table pedidos (numero bigint primary key, cliente_nome varchar(100), celular varchar(40), "
                        + "previsao_entrega date)");
                for (String statement : readmeSql()) {
                    sql.execute(statement);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SQL blocks of the README's "CRM trigger table" section, in order: the table, its index, the trigger. */
    static List<String> readmeSql() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("### CRM trigger table"), readme.indexOf("### Real use: SFTP"));
        List<String> statements = new ArrayList<>();
        Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            // statements end with ';' at the end of a line; the function's body ends with "$$;"
            for (String statement : block.group(1).split(";\\s*\\n(?![^$]*\\$\\$;)")) {
                if (!statement.isBlank()) {
                    statements.add(statement.strip());
                }
            }
        }
        assertThat(statements).hasSizeGreaterThanOrEqualTo(4);
        return statements;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> LEDGER_URL);
        registry.add("spring.datasource.username", () -> SharedPostgres.USER);
        registry.add("spring.datasource.password", () -> SharedPostgres.PASSWORD);
        registry.add("arauto.data-dir", DATA_DIR::toString);
        registry.add("arauto.templates-file", () -> "src/test/resources/templates-test.yml");
        FastTimings.register(registry);
        registry.add("arauto.provider.type", () -> "sandbox");
        registry.add("arauto.crm.datasource.url", () -> CRM_URL);
        registry.add("arauto.crm.datasource.username", () -> SharedPostgres.USER);
        registry.add("arauto.crm.datasource.password", () -> SharedPostgres.PASSWORD);
        registry.add("arauto.crm.requests.table", () -> "arauto_requests");
    }

    @Autowired
    CrmRequests requests;
    @Autowired
    CrmRequestTable table;
    @Autowired
    JdbcTemplate ledger;
    @Autowired
    CamelContext camel;

    @AfterAll
    static void closeCrm() throws SQLException {
        CRM.close();
    }

    @Test
    void anOrderInsertedInTheCrmIsSentAndItsRowFollowsTheMessageToRead() throws Exception {
        assertThat(ledger.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
        try (Statement sql = CRM.createStatement()) {
            sql.execute("insert into pedidos values (3001, 'Lia', '+55 31 99427-3001', date '2026-12-24')");
            sql.execute("insert into arauto_requests (phone, template, variables) values ('+5531994273002', 'pedido_enviado', "
                    + "'{\"nome\": \"Max\"}')");
            sql.execute("insert into pedidos values (3003, 'Noa', '31 99427-3003', date '2026-12-26')");
        }
        long order = requestIdOf("+55 31 99427-3001");
        long missing = requestIdOf("+5531994273002");
        long later = requestIdOf("31 99427-3003");

        await().atMost(Duration.ofSeconds(20)).until(() -> "READ".equals(crmRow(order).get("status"))
                && "READ".equals(crmRow(later).get("status")));
        Map<String, Object> row = crmRow(order);
        assertThat(row.get("taken_at")).isNotNull();
        assertThat((String) row.get("message_id")).startsWith("wamid.SANDBOX.");
        assertThat(row.get("message_id")).isEqualTo(ledger.queryForObject("select wamid from message where phone_e164 = ?", String.class,
                "+5531994273001"));
        assertThat(ledger.queryForObject("select input from message where phone_e164 = ?", String.class, "+5531994273001"))
                .as("the trigger's variables, in the template's order").contains("\"Lia\",\"3001\",\"24/12/2026\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> crmRow(missing).get("status") != null);
        assertThat(crmRow(missing).get("status")).isEqualTo("INVALID");
        assertThat((String) crmRow(missing).get("reason")).isEqualTo("The variables lack 'pedido', 'entrega', which template "
                + "'pedido_enviado' needs.");
        assertThat(crmRow(missing).get("taken_at")).isNotNull();
    }

    @Test
    void twoTakersRacingOnPostgresRecordEachRowOnceAndMarkItTakenOnce() throws Exception {
        camel.getRouteController().stopRoute("crm-requests"); // the two takers below are the only ones
        List<Long> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                try (Statement sql = CRM.createStatement()) {
                    sql.execute("insert into pedidos values (310" + i + ", 'P" + i + "', '+553199427320" + i + "', date '2026-12-24')");
                }
                ids.add(requestIdOf("+553199427320" + i));
            }
            ExecutorService takers = Executors.newFixedThreadPool(2);
            try {
                for (long id : ids) {
                    Map<String, Object> row = crmRow(id);
                    CyclicBarrier together = new CyclicBarrier(2);
                    Callable<Integer> taker = () -> {
                        together.await();
                        Object taken = requests.record(row);
                        return taken == null ? 0 : table.markTaken(taken);
                    };
                    Future<Integer> one = takers.submit(taker);
                    Future<Integer> other = takers.submit(taker);
                    assertThat(one.get() + other.get()).as("row %d marked taken by exactly one taker", id).isEqualTo(1);
                    assertThat(ledger.queryForObject("select count(*) from crm_request where request_id = ?", Integer.class,
                            String.valueOf(id))).as("row %d recorded once", id).isEqualTo(1);
                }
            } finally {
                takers.shutdownNow();
            }
        } finally {
            camel.getRouteController().startRoute("crm-requests");
        }
        for (int i = 0; i < 5; i++) {
            assertThat(ledger.queryForObject("select count(*) from message where phone_e164 = ?", Integer.class, "+553199427320" + i))
                    .isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> {
            try {
                return crmRow(id).get("message_id") != null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private static long requestIdOf(String phone) throws SQLException {
        try (PreparedStatement sql = CRM.prepareStatement("select id from arauto_requests where phone = ?")) {
            sql.setString(1, phone);
            try (ResultSet rs = sql.executeQuery()) {
                assertThat(rs.next()).as("a request for %s", phone).isTrue();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Object> crmRow(long id) throws SQLException {
        try (PreparedStatement sql = CRM.prepareStatement("select id, phone, template, variables, created_at, taken_at, status, reason, "
                + "message_id from arauto_requests where id = ?")) {
            sql.setLong(1, id);
            try (ResultSet rs = sql.executeQuery()) {
                rs.next();
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        }
    }
}
