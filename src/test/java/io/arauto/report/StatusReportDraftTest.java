package io.arauto.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.StampedRows;
import io.arauto.ledger.StatusLine;
import io.arauto.support.SettableClock;
import io.arauto.support.SharedPostgres;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * Issue 13, point 1: a campaign's first status files are written while its file is read, from the batches handed to the
 * ledger ({@link StatusReportWriter#draft}). They must be byte for byte what a report read back from the ledger writes for
 * the same statuses (CSV and XLSX), on H2 and on PostgreSQL, and a draft that is not completed leaves nothing behind.
 */
class StatusReportDraftTest {

    private static final List<String> HEADER = List.of("telefone", "nome", "observação", "=cmd|' /C calc'!A0");

    /** Half a microsecond short of the next second: the databases keep it as the next second, and so must the report. */
    private static final Instant JUST_BEFORE_A_SECOND = Instant.parse("2026-11-30T05:59:59.999999700Z");

    private static HikariDataSource postgresPool;

    @TempDir
    Path dir;

    private final StatusReportWriter writer = new StatusReportWriter(new CellSanitizer());

    @BeforeAll
    static void postgres() {
        postgresPool = new HikariDataSource();
        postgresPool.setJdbcUrl(SharedPostgres.newDatabase("draft"));
        postgresPool.setUsername(SharedPostgres.USER);
        postgresPool.setPassword(SharedPostgres.PASSWORD);
        postgresPool.setMaximumPoolSize(2);
        postgresPool.setConnectionInitSql("set time zone 'America/Sao_Paulo'");
    }

    @AfterAll
    static void close() {
        postgresPool.close();
    }

    /** Rows as people type them, and what the ledger cuts short: a phone over 255 characters, a reason over 1,000. */
    private static List<JudgedRow> rows(int from, int count) {
        List<JudgedRow> rows = new ArrayList<>();
        for (int row = from; row < from + count; row++) {
            rows.add(switch (row % 7) {
                case 0 -> new JudgedRow(row, "(11) 98765-" + row, "+551198765" + row, MessageStatus.QUEUED, null,
                        List.of("(11) 98765-" + row, "José Conceição 🎉👍🏽", "", "=1+1"));
                case 1 -> new JudgedRow(row, "9".repeat(300), null, MessageStatus.INVALID, "ç".repeat(1200),
                        List.of("9".repeat(300), "x".repeat(40_000), "<b>&amp;</b>"));
                case 2 -> new JudgedRow(row, "+55 11 98765-0001", "+5511987650001", MessageStatus.DUPLICATE, "The same number is on row 9.",
                        List.of("+55 11 98765-0001", " espaços ", "linha 1\nlinha 2\r\n", "-5", "a cell past the header"));
                case 3 -> new JudgedRow(row, "", null, MessageStatus.INVALID, "The phone is empty.", List.of());
                case 4 -> new JudgedRow(row, "011987650002", "+5511987650002", MessageStatus.OPTED_OUT,
                        "The number is on the CRM's opt-out list.", List.of("011987650002", "tab\there", "\u0001bell\u0007"));
                case 5 -> new JudgedRow(row, "\tcalc", null, MessageStatus.INVALID, "\r=1", Arrays.asList("\tcalc", null, "@SUM(A1)"));
                default -> new JudgedRow(row, "5511987650003", "+5511987650003", MessageStatus.QUEUED, null,
                        List.of("5511987650003", "Zoë \"Ü\" Ñandú", "\u00a0nbsp", "0011"));
            });
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void aReportWrittenWhileTheFileIsReadIsTheOneTheLedgerGivesByteForByte(String database) throws Exception {
        DataSource dataSource = database.equals("h2") ? h2() : postgresPool;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        SettableClock clock = new SettableClock(JUST_BEFORE_A_SECOND);
        ObjectMapper json = new ObjectMapper();
        MessageLedger messages = new MessageLedger(jdbc, tx, json, clock);
        long campaign = new CampaignLedger(jdbc, tx, json, clock).create("pedidos.csv", "pedido_enviado", "folder",
                "pedido_enviado/pedidos.csv", null, HEADER);

        Path csv = dir.resolve("outbox/pedidos." + campaign + ".status.csv");
        Path xlsx = dir.resolve("outbox/pedidos." + campaign + ".status.xlsx");
        StatusReportWriter.Draft draft = writer.draft(csv, xlsx, HEADER);
        for (int batch = 0; batch < 6; batch++) { // as the intake does: stamped, into the ledger, and to the draft
            StampedRows stamped = new StampedRows(rows(2 + batch * 700, 700), messages.stamp());
            messages.insert(campaign, stamped);
            assertThat(draft.add(stamped.lines())).isTrue();
            clock.advance(Duration.ofNanos(123_456_789));
        }
        assertThat(csv).as("nothing in place before the draft is complete").doesNotExist();
        assertThat(xlsx).doesNotExist();
        StatusReportWriter.Written written = draft.complete().get();
        assertThat(written.lines()).isEqualTo(4_200);
        byte[] draftCsv = Files.readAllBytes(csv);
        byte[] draftXlsx = Files.readAllBytes(xlsx);

        Path ledgerCsv = dir.resolve("from-ledger/pedidos.csv");
        Path ledgerXlsx = dir.resolve("from-ledger/pedidos.xlsx");
        messages.withLines(campaign, lines -> writer.write(ledgerCsv, ledgerXlsx, HEADER, lines));

        assertThat(new String(draftCsv, UTF_8)).as("the CSV").isEqualTo(new String(Files.readAllBytes(ledgerCsv), UTF_8));
        assertThat(Arrays.mismatch(draftCsv, Files.readAllBytes(ledgerCsv))).as("the CSV's first byte that differs").isEqualTo(-1);
        assertThat(Arrays.mismatch(draftXlsx, Files.readAllBytes(ledgerXlsx))).as("the XLSX's first byte that differs").isEqualTo(-1);
        assertThat(new String(draftCsv, UTF_8)).as("the first batch's time, to the second").contains(",2026-11-30T06:00:00Z,")
                .doesNotContain("05:59:59");
        assertThat(namesIn(csv.getParent())).containsExactly(csv.getFileName().toString(), xlsx.getFileName().toString());
    }

    @Test
    void aDiscardedDraftLeavesNothingBehind() throws Exception {
        Path csv = dir.resolve("outbox/pedidos.7.status.csv");
        StatusReportWriter.Draft draft = writer.draft(csv, dir.resolve("outbox/pedidos.7.status.xlsx"), HEADER);
        assertThat(draft.add(lines(2, 5_000))).isTrue();
        assertThat(draft.add(lines(5_002, 5_000))).isTrue();

        draft.discard().get();

        assertThat(namesIn(csv.getParent())).as("no status file, no temporary file").isEmpty();
        assertThat(draft.add(lines(10_002, 10))).as("a discarded draft takes no more lines").isFalse();
    }

    /**
     * Arauto stopped abruptly while a file was read: the outbox holds no status file of it, only the hidden temporary
     * files of its writing (as the draft left below stands for), and the next start deletes them and nothing else.
     */
    @Test
    void aStopWhileAFileIsReadLeavesNoStatusFileAndTheNextStartDeletesItsTemporaryFiles() throws Exception {
        Path outbox = dir.resolve("outbox");
        StatusReportWriter.Draft draft = writer.draft(outbox.resolve("pedidos.9.status.csv"), outbox.resolve("pedidos.9.status.xlsx"), HEADER);
        try {
            assertThat(draft.add(lines(2, 5_000))).isTrue();
            Files.createDirectories(outbox);
            Files.writeString(outbox.resolve("pedidos.3.status.csv"), "an earlier campaign's report");
            Files.writeString(outbox.resolve(".notes.tmp"), "not a status file's");
            org.awaitility.Awaitility.await().until(() -> namesIn(outbox).stream().filter(n -> n.endsWith(".tmp")).count() == 3);
            assertThat(namesIn(outbox)).filteredOn(name -> name.contains("pedidos.9")).allMatch(name -> name.startsWith(".pedidos.9.status.")
                    && name.endsWith(".tmp"));

            ArautoProperties properties = new ArautoProperties();
            properties.setDataDir(dir);
            new CampaignReporter(null, null, writer, properties).deleteLeftovers();

            assertThat(namesIn(outbox)).containsExactly(".notes.tmp", "pedidos.3.status.csv");
        } finally {
            draft.discard().get();
        }
    }

    @Test
    void aDraftWhoseWritingFailedTakesNoMoreLinesAndLeavesNothing() throws Exception {
        Path outbox = dir.resolve("outbox");
        Files.writeString(outbox, "a file where the outbox folder should be");
        StatusReportWriter.Draft draft = writer.draft(outbox.resolve("pedidos.8.status.csv"), outbox.resolve("pedidos.8.status.xlsx"), HEADER);

        // the writing cannot even start: the caller is not held up, whatever it hands over
        for (int batch = 0; batch < 2 * StatusReportWriter.DRAFT_BATCHES_WAITING + 2; batch++) {
            if (!draft.add(lines(2 + batch * 10, 10))) {
                break;
            }
        }
        assertThat(draft.add(lines(1_000, 10))).isFalse();
        assertThat(draft.complete()).isCompletedExceptionally();
        draft.discard().get();
        assertThat(namesIn(dir)).containsExactly("outbox");
    }

    private static List<StatusLine> lines(int from, int count) {
        List<StatusLine> lines = new ArrayList<>();
        for (int row = from; row < from + count; row++) {
            lines.add(new StatusLine(row, "5511987650003", "+5511987650003", "QUEUED", null, null, null,
                    Instant.parse("2026-11-30T06:00:00Z"), List.of("5511987650003", "Ana", "", "")));
        }
        return lines;
    }

    private static DataSource h2() {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:draft-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return memory;
    }

    private static List<String> namesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
