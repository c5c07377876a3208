package io.arauto.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.intake.sftp.SteppedStableFileWatch;
import io.arauto.report.StatusReportWriter;
import io.arauto.webhook.StatusTracker;
import io.arauto.webhook.StatusUpdate;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;
import io.arauto.verdict.MessageStatus;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.requestsTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static io.arauto.e2e.SftpTestSupport.workbook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SFTP intake through the real routes against a real SFTP server (Apache MINA SSHD) that Arauto
 * logs in to with an OpenSSH ed25519 key, its host key checked: files put in
 * /inbox/&lt;template&gt;/ end as Cloud API requests (WireMock), archived or rejected on the
 * server, with their status files in /inbox/outbox/.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its pollers stop once the class is done
@ExtendWith(OutputCaptureExtension.class)
@Import(SftpIntakeTest.SteppedClockForStability.class)
class SftpIntakeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DATA_DIR = tempDir("arauto-sftp-test-");
    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer().start();
    static final Path KEY;
    static final Path KNOWN_HOSTS;

    static {
        KeyPair key = EmbeddedSftpServer.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        SFTP.authorize(key.getPublic());
        KEY = EmbeddedSftpServer.writeOpenSshPrivateKey(key, DATA_DIR.resolve("keys/id_ed25519"), null);
        KNOWN_HOSTS = SFTP.writeKnownHosts(DATA_DIR.resolve("keys/known_hosts"));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SftpTestSupport.properties(DATA_DIR, SFTP, KNOWN_HOSTS).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("arauto.intake.sftp.private-key-file", KEY::toString);
    }

    @Autowired
    JdbcTemplate ledger;

    @Autowired
    HealthEndpoint health;

    @Autowired
    StatusTracker statuses;

    @Autowired
    StatusReportWriter reportWriter;

    @Autowired
    SteppedStableFileWatch stableFiles;

    /** The intake's stability watch runs on a clock the stall test holds and steps. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SteppedClockForStability {
        @Bean
        static BeanPostProcessor steppedStableFiles() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return name.equals("sftpStableFiles") ? new SteppedStableFileWatch(SftpTestSupport.SFTP_STABLE_FOR) : bean;
                }
            };
        }
    }

    private static boolean warm;

    @BeforeEach
    void warmUpReports() throws IOException {
        // the reporter waits ten times as long as a report's last writing took before rewriting it, and a cold first XLSX
        // (POI loading its classes) takes a second or more; warmed up, status changes show within a report round or two
        if (!warm) {
            Path dir = Files.createTempDirectory(DATA_DIR, "warm-up");
            reportWriter.write(dir.resolve("warm-up.csv"), dir.resolve("warm-up.xlsx"), List.of("telefone"), Collections.emptyIterator());
            warm = true;
        }
    }

    @AfterAll
    static void stopServer() {
        SFTP.stop();
    }

    @Test
    void csvIsSentArchivedOnTheServerAndItsStatusFilesAppearInTheOutbox(CapturedOutput log) throws Exception {
        SFTP.put("/inbox/pedido_enviado/pedidos-sftp.csv", csv(
                "telefone,nome,pedido,entrega",
                "5511960000001,Ana,3001,25/12/2026",
                "(11) 96000-0002,Bruno,3002,26/12/2026",
                "11960000001,Ana de novo,3003,27/12/2026",
                "5.51199E+12,Perdido,3004,28/12/2026"));

        long campaign = awaitArchived(SFTP, "pedido_enviado", "pedidos-sftp", ".csv");
        Map<Integer, CsvRecord> byRow = awaitServerReport("pedidos-sftp", campaign, lines -> "SENT".equals(status(lines, 2))
                && "SENT".equals(status(lines, 3)));
        assertThat(byRow.keySet()).containsExactly(2, 3, 4, 5);
        assertThat(status(byRow, 4)).isEqualTo("DUPLICATE");
        assertThat(status(byRow, 5)).isEqualTo("INVALID");
        assertThat(byRow.get(2).getField(6)).isEqualTo(ArautoTestBase.wamidAnsweredTo("5511960000001"));
        assertThat(byRow.get(3).getField(9)).isEqualTo("Bruno");

        assertThat(requestsTo("5511960000001")).hasSize(1);
        assertThat(requestsTo("5511960000002")).hasSize(1);
        assertThat(requestsTo("5511960000001").get(0)).isEqualTo(JSON.readTree("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511960000001","type":"template",
                 "biz_opaque_callback_data":"%d",
                 "template":{"name":"pedido_enviado","language":{"code":"pt_BR"},"components":[
                   {"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"3001"},
                                                {"type":"text","text":"25/12/2026"}]}]}}""".formatted(
                io.arauto.ledger.MessageLedger.key(campaign, 2))));

        Map<String, Object> row = ledger.queryForMap("select source, source_file, total_rows, archived_at from campaign where id = ?", campaign);
        assertThat(row).containsEntry("source", "sftp").containsEntry("source_file", "pedido_enviado/pedidos-sftp.csv")
                .containsEntry("total_rows", 4);
        assertThat(row.get("archived_at")).isNotNull();
        // the server's report is the whole report, and so is its XLSX twin
        String name = "pedidos-sftp." + campaign + ".status";
        // the server's copy may not be there yet when the local one is: not there is "not yet", not a failure
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
                .untilAsserted(() -> assertThat(SFTP.read("/inbox/outbox/" + name + ".csv"))
                .isEqualTo(Files.readAllBytes(DATA_DIR.resolve("outbox/" + name + ".csv"))));
        try (XSSFWorkbook xlsx = new XSSFWorkbook(SFTP.local("/inbox/outbox/" + name + ".xlsx").toFile())) {
            assertThat(xlsx.getSheetAt(0).getLastRowNum()).isEqualTo(4);
        }
        assertNoTemporaryFilesLeft();
        assertThat(log.getAll()).doesNotContain(ArautoTestBase.TOKEN).doesNotContain("5511960000002");
    }

    /** A dry run falls out of the same intake on the server: <template>/dry-run/, judged and reported there, nothing sent. */
    @Test
    void aFileInTheDryRunFolderOnTheServerIsReportedThereAndNothingIsSentUntilTheRealDrop() throws Exception {
        byte[] content = csv("telefone,nome,pedido,entrega", "5511960000901,Ana,9001,hoje", "not a phone,Bia,9002,hoje");
        SFTP.put("/inbox/pedido_enviado/dry-run/ensaio-sftp.csv", content);

        long dry = awaitArchived(SFTP, "pedido_enviado", "ensaio-sftp", ".csv");
        assertThat(SFTP.exists("/inbox/pedido_enviado/dry-run/ensaio-sftp.csv")).isFalse();
        Map<Integer, CsvRecord> byRow = awaitServerReport("ensaio-sftp", dry, lines -> lines.containsKey(2)
                && lines.get(2).getField(4).startsWith("Dry run: nothing was sent."));
        assertThat(status(byRow, 2)).isEqualTo("QUEUED");
        assertThat(byRow.get(2).getField(4)).endsWith("Would send: \"Olá Ana, seu pedido 9001 será entregue em hoje.\"");
        assertThat(status(byRow, 3)).isEqualTo("INVALID");
        assertThat(ledger.queryForObject("select status from campaign where id = ?", String.class, dry)).isEqualTo("DRY_RUN");

        SFTP.put("/inbox/pedido_enviado/ensaio-sftp.csv", content);
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsTo("5511960000901").size() == 1);
        long real = ledger.queryForObject("select id from campaign where source_file = 'pedido_enviado/ensaio-sftp.csv'", Long.class);
        assertThat(real).isNotEqualTo(dry);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(ledger.queryForObject("select status from campaign where id = ?",
                String.class, real)));
        assertThat(requestsTo("5511960000901")).as("the real drop's request alone").hasSize(1);
    }

    @Test
    void xlsxIsTakenLikeACsv() throws Exception {
        SFTP.put("/inbox/pedido_enviado/planilha-sftp.xlsx", workbook(
                new Object[] {"telefone", "nome", "pedido", "entrega"},
                new Object[] {5511960000101d, "Carla", "4001", "hoje"},
                new Object[] {5511960000102d, "", "4002", "hoje"}));

        long campaign = awaitArchived(SFTP, "pedido_enviado", "planilha-sftp", ".xlsx");
        Map<Integer, CsvRecord> byRow = awaitServerReport("planilha-sftp", campaign, lines -> "SENT".equals(status(lines, 2)));
        assertThat(status(byRow, 3)).isEqualTo("INVALID");
        assertThat(requestsTo("5511960000101")).hasSize(1);
        assertThat(requestsTo("5511960000101").get(0).at("/template/components/0/parameters/0/text").asText()).isEqualTo("Carla");
        assertThat(requestsTo("5511960000102")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> SFTP.exists("/inbox/outbox/planilha-sftp." + campaign + ".status.xlsx"));
        assertNoTemporaryFilesLeft();
    }

    @Test
    void partialAndHiddenUploadsAreLeftAloneAndAWinScpFilepartIsTakenOnceRenamed() throws Exception {
        byte[] content = csv("telefone,nome,pedido,entrega", "5511960000201,Dora,5001,hoje");
        SFTP.put("/inbox/pedido_enviado/winscp.csv.filepart", content);
        SFTP.put("/inbox/pedido_enviado/.oculto.csv", content);
        SFTP.put("/inbox/pedido_enviado/subindo.csv.part", content);
        SFTP.put("/inbox/pedido_enviado/gravando.csv.TMP", content);
        // a file put after them is taken, so the poller has listed the folder with them in it
        SFTP.put("/inbox/pedido_enviado/marcador.csv", csv("telefone,nome,pedido,entrega", "5511960000202,Eva,5002,hoje"));
        awaitArchived(SFTP, "pedido_enviado", "marcador", ".csv");
        assertThat(SFTP.exists("/inbox/pedido_enviado/winscp.csv.filepart")).isTrue();
        assertThat(SFTP.exists("/inbox/pedido_enviado/.oculto.csv")).isTrue();
        assertThat(SFTP.exists("/inbox/pedido_enviado/subindo.csv.part")).isTrue();
        assertThat(SFTP.exists("/inbox/pedido_enviado/gravando.csv.TMP")).isTrue();
        assertThat(ledger.queryForObject("select count(*) from campaign where name like 'winscp%'", Integer.class)).isZero();

        Files.move(SFTP.local("/inbox/pedido_enviado/winscp.csv.filepart"), SFTP.local("/inbox/pedido_enviado/winscp.csv"));
        awaitArchived(SFTP, "pedido_enviado", "winscp", ".csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsTo("5511960000201").size() == 1);
        assertThat(ledger.queryForObject("select count(*) from campaign where name = 'winscp.csv'", Integer.class)).isEqualTo(1);
        Files.delete(SFTP.local("/inbox/pedido_enviado/.oculto.csv"));
        Files.delete(SFTP.local("/inbox/pedido_enviado/subindo.csv.part"));
        Files.delete(SFTP.local("/inbox/pedido_enviado/gravando.csv.TMP"));
    }

    @Test
    void uploadThatPausesMidFileIsReadOnlyWhenComplete() throws Exception {
        Path file = SFTP.local("/inbox/pedido_enviado/devagar-sftp.csv");
        Files.createDirectories(file.getParent());
        int rows = 30;
        String name = "pedido_enviado/devagar-sftp.csv";
        // Arauto's clock for stability stands still while the file is written, so only the stall below counts
        stableFiles.hold();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            out.write("telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < rows; i++) {
                if (i == rows / 2) {
                    // the upload stalls for just under stable-for, while Arauto looks at the file again and again: first it
                    // sees the file as it now is (the second look after the last write listed it after that write), ...
                    int written = stableFiles.looksAt(name);
                    await().atMost(Duration.ofSeconds(10)).until(() -> stableFiles.looksAt(name) >= written + 2);
                    // ... then the clock moves on by a whisker less than stable-for, and it looks a few more times
                    stableFiles.step(SftpTestSupport.SFTP_STABLE_FOR.minusMillis(1));
                    int stepped = stableFiles.looksAt(name);
                    await("looks at the stalled file, which must not be taken").atMost(Duration.ofSeconds(10))
                            .until(() -> stableFiles.looksAt(name) >= stepped + 3);
                }
                LockSupport.parkNanos(Duration.ofMillis(40).toNanos());
                out.write(String.format("55119600%05d,Cliente %d,%d,hoje%n", 300 + i, i, i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(file).as("taken while still being written (row %d)", i).exists();
            }
        } finally {
            stableFiles.release();
        }
        long campaign = awaitArchived(SFTP, "pedido_enviado", "devagar-sftp", ".csv");
        assertThat(ledger.queryForObject("select total_rows from campaign where id = ?", Integer.class, campaign)).isEqualTo(rows);
        assertThat(ledger.queryForObject("select count(*) from campaign where name = 'devagar-sftp.csv'", Integer.class)).isEqualTo(1);
    }

    @Test
    void rejectedFileGoesToErrorWithItsNoteOnTheServer() throws Exception {
        SFTP.put("/inbox/nao_existe/pedidos.csv", csv("telefone,nome,pedido,entrega", "5511960000401,Ana,1,hoje"));
        // read at first sight: a note is never seen empty (it is renamed into place whole, claiming its name)
        String note = await().atMost(Duration.ofSeconds(20)).until(() -> SFTP.filesUnder("/inbox/error").stream()
                .filter(p -> p.matches("/inbox/error/pedidos(\\.\\d{8}-\\d{6}(-\\d+)?)?\\.csv\\.error\\.txt")).findFirst().orElse(null), p -> p != null);
        assertThat(new String(SFTP.read(note), StandardCharsets.UTF_8)).contains("nao_existe/pedidos.csv was not taken",
                "There is no template named 'nao_existe'");
        await().atMost(Duration.ofSeconds(10)).until(() -> SFTP.exists(note.replaceFirst("\\.error\\.txt$", "")));
        assertThat(SFTP.exists("/inbox/nao_existe/pedidos.csv")).isFalse();
        assertNoTemporaryFilesLeft();
    }

    @Test
    void fileReadAgainAfterItsCampaignWasAcceptedButBeforeItWasArchivedIsArchivedAsThatCampaign() throws Exception {
        byte[] content = csv("telefone,nome,pedido,entrega", "5511960000501,Fabi,6001,hoje");
        SFTP.put("/inbox/pedido_enviado/sem-arquivar.csv", content);
        long campaign = awaitArchived(SFTP, "pedido_enviado", "sem-arquivar", ".csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsTo("5511960000501").size() == 1);

        // the state a stop between accepting the campaign and archiving its file leaves: the file still in the inbox
        ledger.update("update campaign set archived_at = null where id = ?", campaign);
        SFTP.put("/inbox/pedido_enviado/sem-arquivar.csv", content);
        await().atMost(Duration.ofSeconds(20)).until(() -> !SFTP.exists("/inbox/pedido_enviado/sem-arquivar.csv"));
        assertThat(SFTP.exists("/inbox/archive/pedido_enviado/sem-arquivar." + campaign + ".csv")).isTrue();
        assertThat(ledger.queryForObject("select count(*) from campaign where name = 'sem-arquivar.csv'", Integer.class)).isEqualTo(1);
        // the archived mark follows the move (SftpReadLockStrategy records it once the file is seen gone): wait for it
        await().atMost(Duration.ofSeconds(20)).until(() ->
                ledger.queryForObject("select archived_at from campaign where id = ?", Timestamp.class, campaign) != null);
        assertThat(SFTP.filesUnder("/inbox/error")).noneMatch(p -> p.contains("sem-arquivar"));

        // once archived, the same bytes dropped again are a duplicate, as ever
        SFTP.put("/inbox/pedido_enviado/sem-arquivar.csv", content);
        // a note appears with its words: its name is claimed by renaming the whole note into place, so it is read at first sight
        String note = await().atMost(Duration.ofSeconds(20)).until(() -> SFTP.filesUnder("/inbox/error").stream()
                .filter(p -> p.contains("sem-arquivar") && p.endsWith(".error.txt")).findFirst().orElse(null), p -> p != null);
        assertThat(new String(SFTP.read(note), StandardCharsets.UTF_8)).contains("byte-for-byte identical", "campaign " + campaign);
        assertThat(requestsTo("5511960000501")).hasSize(1);
    }

    @Test
    void fileClaimedByAnInstanceThatDiedIsTakenOnceItsLeaseRanOut() throws Exception {
        String path = "/inbox/pedido_enviado/orfao.csv";
        Path local = SFTP.put(path, csv("telefone,nome,pedido,entrega", "5511960000601,Gil,7001,hoje"));
        long modified = Files.getLastModifiedTime(local).toMillis() / 1000 * 1000; // what SFTP lists: whole seconds
        String key = "sftp://" + EmbeddedSftpServer.HOST + ":" + SFTP.port() + path + "|" + Files.size(local) + "|" + modified;
        Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofHours(1)));
        ledger.update("insert into intake_claim (claim_key, owner, claimed_at, renewed_at) values (?, 'morto/0000', ?, ?)", key, longAgo, longAgo);

        awaitArchived(SFTP, "pedido_enviado", "orfao", ".csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsTo("5511960000601").size() == 1);
        assertThat(ledger.queryForObject("select count(*) from intake_claim where claim_key = ?", Integer.class, key)).isZero();
    }

    @Test
    void serverGoingAwayAndComingBackLosesAndDoublesNothing(CapturedOutput log) throws Exception {
        SFTP.put("/inbox/pedido_enviado/antes.csv", csv("telefone,nome,pedido,entrega", "5511960000701,Hugo,8001,hoje"));
        long before = awaitArchived(SFTP, "pedido_enviado", "antes", ".csv");
        awaitServerReport("antes", before, lines -> "SENT".equals(status(lines, 2)));

        SFTP.stop();
        try {
            Health down = await().atMost(Duration.ofSeconds(20)).until(this::sftpHealth,
                    h -> h.getStatus().equals(Status.DOWN) && String.valueOf(h.getDetails().get("intake")).contains("connection refused"));
            assertThat(down.getDetails()).containsEntry("server", EmbeddedSftpServer.HOST + ":" + SFTP.port());
            // while it is away: a file lands on it, and the earlier campaign's statuses change
            SFTP.put("/inbox/pedido_enviado/durante.csv", csv("telefone,nome,pedido,entrega", "5511960000702,Iris,8002,hoje"));
            statuses.apply(new StatusUpdate(ArautoTestBase.wamidAnsweredTo("5511960000701"), MessageStatus.DELIVERED, Instant.now(), null, null));
            await().atMost(Duration.ofSeconds(20)).until(() -> log.getAll().contains("status files could not be written to outbox/"));
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // a few more failed polls, which must not be logged again
        } finally {
            SFTP.start();
        }
        long during = awaitArchived(SFTP, "pedido_enviado", "durante", ".csv");
        awaitServerReport("antes", before, lines -> "DELIVERED".equals(status(lines, 2)));
        awaitServerReport("durante", during, lines -> "SENT".equals(status(lines, 2)));
        await().atMost(Duration.ofSeconds(20)).until(() -> sftpHealth().getStatus().equals(Status.UP));
        assertThat(requestsTo("5511960000701")).hasSize(1);
        assertThat(requestsTo("5511960000702")).hasSize(1);
        assertThat(ledger.queryForObject("select count(*) from campaign where name in ('antes.csv', 'durante.csv')", Integer.class))
                .isEqualTo(2);
        // one line when it went away, one when it came back: not one per poll
        String refused = "SFTP " + EmbeddedSftpServer.HOST + ":" + SFTP.port() + " unreachable: connection refused";
        assertThat(log.getAll().split(java.util.regex.Pattern.quote(refused), -1)).hasSize(2);
        assertThat(log.getAll()).contains("connected again").doesNotContain(EmbeddedSftpServer.PASSWORD);
        assertNoTemporaryFilesLeft();
    }

    @Test
    void serverGoingAwayMidDownloadLeavesTheFileToBeTakenWholeLater() throws Exception {
        int rows = 4000;
        StringBuilder content = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < rows - 1; i++) { // invalid rows (no name), so that only the last one is sent
            content.append(String.format("55119620%05d,,pedido número %d de um arquivo grande,amanhã de manhã%n", i, i));
        }
        content.append("5511962099999,Kika,9999,hoje\n");
        SFTP.slowDownReadsOf("grande.csv", Duration.ofMillis(150));
        try {
            SFTP.put("/inbox/pedido_enviado/grande.csv", content.toString().getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> SFTP.slowReads() >= 2); // the download is under way
            SFTP.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> sftpHealth().getStatus().equals(Status.DOWN));
            assertThat(ledger.queryForObject("select count(*) from campaign where name = 'grande.csv'", Integer.class)).isZero();
        } finally {
            SFTP.slowDownReadsOf(null, Duration.ZERO);
            SFTP.start();
        }
        long campaign = awaitArchived(SFTP, "pedido_enviado", "grande", ".csv");
        assertThat(ledger.queryForObject("select total_rows from campaign where id = ?", Integer.class, campaign)).isEqualTo(rows);
        assertThat(ledger.queryForObject("select count(*) from campaign where name = 'grande.csv'", Integer.class)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsTo("5511962099999").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.queryForObject("select count(*) from intake_claim", Integer.class) == 0);
        assertNoTemporaryFilesLeft();
    }

    private Health sftpHealth() {
        return (Health) health.healthForPath("sftp");
    }

    /** The campaign's status CSV on the server, by row, once {@code done} says it is far enough along. */
    private static Map<Integer, CsvRecord> awaitServerReport(String base, long campaign,
                                                             java.util.function.Predicate<Map<Integer, CsvRecord>> done) {
        String path = "/inbox/outbox/" + base + "." + campaign + ".status.csv";
        // (a status file is replaced on the server by removing the old one just before the rename: gone for that instant)
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).until(() -> {
            if (!SFTP.exists(path)) {
                return null;
            }
            String text = new String(SFTP.read(path), StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "");
            List<CsvRecord> records = new ArrayList<>();
            CsvReader.builder().ofCsvRecord(text).forEach(records::add);
            Map<Integer, CsvRecord> byRow = new java.util.TreeMap<>();
            records.stream().skip(1).forEach(r -> byRow.put(Integer.parseInt(r.getField(0)), r));
            return byRow;
        }, lines -> lines != null && done.test(lines));
    }

    private static String status(Map<Integer, CsvRecord> lines, int row) {
        CsvRecord line = lines.get(row);
        return line == null ? null : line.getField(3);
    }

    /** Nothing on the server or in the local work folder is left under a temporary name. */
    private void assertNoTemporaryFilesLeft() throws IOException {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(SFTP.filesUnder("/inbox/outbox"))
                .noneMatch(p -> p.endsWith(".tmp") || p.contains("/.")));
        assertThat(SFTP.filesUnder("/inbox/archive")).noneMatch(p -> p.endsWith(".tmp") || p.contains("/."));
        assertThat(SFTP.filesUnder("/inbox/error")).noneMatch(p -> p.endsWith(".tmp") || p.contains("/."));
        Path work = DATA_DIR.resolve("sftp-work");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ArautoTestBase.filesUnder(work)).isEmpty());
    }

}
