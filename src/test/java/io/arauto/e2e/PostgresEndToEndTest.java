package io.arauto.e2e;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
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
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.report.StatusReportWriter;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.ErrorLogRecorder;
import io.arauto.support.ExpectedErrorLog;
import io.arauto.support.FastTimings;
import io.arauto.support.SharedPostgres;
import io.arauto.support.UsesTestTemplates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole app on a PostgreSQL ledger: Flyway migrates it at start, a CSV dropped in the inbox
 * is judged into it, the sandbox provider sends and reports delivered and read, and the status
 * file in the outbox shows every row; the ledger rows are then checked in PostgreSQL itself.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling PostgreSQL once the class is done
class PostgresEndToEndTest {

    private static final Path DATA_DIR;
    private static final String LEDGER_URL = SharedPostgres.newDatabase("app");

    static {
        try {
            DATA_DIR = Files.createTempDirectory("arauto-pg-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> LEDGER_URL);
        registry.add("spring.datasource.username", () -> SharedPostgres.USER);
        registry.add("spring.datasource.password", () -> SharedPostgres.PASSWORD);
        registry.add("arauto.data-dir", DATA_DIR::toString);
        registry.add("arauto.templates-file", () -> "src/test/resources/templates-test.yml");
        FastTimings.register(registry);
        registry.add("arauto.send.rate", () -> "500");
        registry.add("arauto.provider.type", () -> "sandbox");
    }

    @Autowired
    JdbcTemplate ledger;

    @Autowired
    OptOutList optOuts;

    @Autowired
    StatusReportWriter reportWriter;

    @Test
    void csvGoesThroughAPostgresLedgerToReadStatuses() throws Exception {
        assertThat(ledger.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
        // every migration, applied on PostgreSQL, in order: 1 to the newest SQL file's (V3 is a Java migration)
        int newest = java.util.Arrays.stream(new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                        .getResources("classpath:db/migration/V*__*.sql"))
                .mapToInt(r -> Integer.parseInt(r.getFilename().substring(1, r.getFilename().indexOf("__")))).max().orElseThrow();
        assertThat(newest).isGreaterThanOrEqualTo(13);
        assertThat(ledger.queryForList("select version from flyway_schema_history where success order by installed_rank", String.class))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, newest).mapToObj(String::valueOf).toList());
        // the reporter waits ten times as long as a campaign's last rewrite took before the next one, and a cold first
        // XLSX (POI loading its classes) takes most of a second: warmed up, the READ statuses show within a second or two
        Path warmUp = Files.createTempDirectory(DATA_DIR, "warm-up");
        reportWriter.write(warmUp.resolve("warm-up.csv"), warmUp.resolve("warm-up.xlsx"), List.of("telefone"), Collections.emptyIterator());
        assertThat(optOuts.optOut("+5531988880106", OptOutSource.REPLY, "Replied SAIR", java.time.Instant.now())).isTrue();

        String csv = String.join("\n",
                "telefone,nome,pedido,entrega",
                "5511987650101,Ana,2001,25/12/2026",
                "(11) 98765-0102,Bruno,2002,26/12/2026",
                "11987650101,Ana de novo,2003,27/12/2026",
                "5.51199E+12,Perdido,2004,28/12/2026",
                "5511987650105,,2005,29/12/2026",
                "+55 31 98888-0106,Optou,2006,30/12/2026",
                "+55 21 98765-0107,Carla,2007,31/12/2026",
                "");
        Path file = drop("pedido_enviado", "pedidos-pg.csv", csv.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));

        Map<Integer, CsvRecord> byRow = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> reportLines("pedidos-pg"), lines -> lines != null
                        && List.of(2, 3, 8).stream().allMatch(row -> lines.containsKey(row) && lines.get(row).getField(3).equals("READ")));
        assertThat(byRow.keySet()).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7, 8);
        assertLine(byRow.get(2), "+5511987650101", "READ", "");
        assertLine(byRow.get(3), "+5511987650102", "READ", "");
        assertLine(byRow.get(4), "+5511987650101", "DUPLICATE", "The same number is on row 2.");
        assertLine(byRow.get(5), "", "INVALID", "scientific notation");
        assertLine(byRow.get(6), "+5511987650105", "INVALID", "Column 'nome' is empty");
        assertLine(byRow.get(7), "+5531988880106", "OPTED_OUT", "Arauto opt-out list");
        assertLine(byRow.get(8), "+5521987650107", "READ", "");
        assertThat(byRow.get(2).getField(9)).isEqualTo("Ana");
        assertThat(byRow.get(8).getField(11)).isEqualTo("31/12/2026");

        long campaign = ledger.queryForObject("select id from campaign where name = 'pedidos-pg.csv'", Long.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DONE".equals(
                ledger.queryForObject("select status from campaign where id = ?", String.class, campaign)));
        Map<String, Object> row = ledger.queryForMap("select template, source, total_rows, read_at, settled_at, "
                + "settled_at >= read_at and read_at >= created_at as in_order from campaign where id = ?", campaign);
        assertThat(row).containsEntry("template", "pedido_enviado").containsEntry("source", "folder")
                .containsEntry("total_rows", 7).containsEntry("in_order", true);

        List<Map<String, Object>> messages = ledger.queryForList("select row_num, phone_e164, status, wamid, attempts "
                + "from message where campaign_id = ? order by row_num", campaign);
        assertThat(messages).extracting(m -> m.get("row_num")).containsExactly(2, 3, 4, 5, 6, 7, 8);
        assertThat(messages).extracting(m -> m.get("status"))
                .containsExactly("READ", "READ", "DUPLICATE", "INVALID", "INVALID", "OPTED_OUT", "READ");
        assertThat(messages).extracting(m -> m.get("attempts")).containsExactly(1, 1, 0, 0, 0, 0, 1);
        for (Map<String, Object> message : messages) {
            CsvRecord line = byRow.get((Integer) message.get("row_num"));
            String wamid = (String) message.get("wamid");
            assertThat(line.getField(6)).isEqualTo(wamid == null ? "" : wamid);
            if ("READ".equals(message.get("status"))) {
                assertThat(wamid).startsWith("wamid.SANDBOX.");
            }
        }
        assertThat(ledger.queryForObject("select count(distinct wamid) from message where campaign_id = ? and wamid is not null",
                Integer.class, campaign)).isEqualTo(3);
    }

    @Test
    @ExpectedErrorLog(logger = "io.arauto.test.Provoked", containing = "provoked", because = "shows that PgJDBC's logging reaches the check")
    void pgJdbcsTraceForAConnectionItCouldNotCloseIsNotPrinted() {
        // PgJDBC logs through java.util.logging; a PostgreSQL restarting cuts a connection mid-handshake, and closing it
        // fails: PgJDBC's ConnectionFactory then logs a "Broken pipe" stack trace at WARNING (seen in LedgerOutageIT)
        long mark = ErrorLogRecorder.mark();
        java.util.logging.Logger.getLogger("io.arauto.test.Provoked")
                .log(Level.WARNING, "provoked: the same line from another logger", new SocketException("Broken pipe"));
        java.util.logging.Logger.getLogger("org.postgresql.core.ConnectionFactory")
                .log(Level.WARNING, "Failed to closed stream with error: {0}", new SocketException("Broken pipe"));

        assertThat(ErrorLogRecorder.since(mark)).extracting(ErrorLogRecorder.Event::logger)
                .as("stack traces recorded: the control line only").containsExactly("io.arauto.test.Provoked");
    }

    private static Path drop(String template, String name, byte[] content) throws IOException {
        Path dir = DATA_DIR.resolve("inbox").resolve(template);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, content);
        return Files.move(tmp, dir.resolve(name));
    }

    /** The campaign's status CSV by row number, or null while it is not in the outbox yet. */
    private static Map<Integer, CsvRecord> reportLines(String base) throws IOException {
        Path outbox = DATA_DIR.resolve("outbox");
        if (!Files.exists(outbox)) {
            return null;
        }
        Path report;
        try (var files = Files.list(outbox)) {
            report = files.filter(p -> p.getFileName().toString().matches(Pattern.quote(base) + "\\.\\d+\\.status\\.csv"))
                    .findFirst().orElse(null);
        }
        if (report == null) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(report);
        String text = new String(bytes, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "");
        List<CsvRecord> records = new ArrayList<>();
        CsvReader.builder().ofCsvRecord(text).forEach(records::add);
        Map<Integer, CsvRecord> byRow = new HashMap<>();
        records.stream().skip(1).forEach(r -> byRow.put(Integer.parseInt(r.getField(0)), r));
        return byRow;
    }

    private static void assertLine(CsvRecord line, String e164, String status, String reasonPart) {
        assertThat(line.getField(2)).as("phone_e164 of row %s", line.getField(0)).isEqualTo(e164);
        assertThat(line.getField(3)).as("status of row %s", line.getField(0)).isEqualTo(status);
        if (reasonPart.isEmpty()) {
            assertThat(line.getField(4)).as("reason of row %s", line.getField(0)).isEmpty();
        } else {
            assertThat(line.getField(4)).as("reason of row %s", line.getField(0)).contains(reasonPart);
        }
        assertThat(line.getField(7)).as("updated_at of row %s", line.getField(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }
}
