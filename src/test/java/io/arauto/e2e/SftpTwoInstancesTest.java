package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ArautoApplication;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.SharedPostgres;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.requestsTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Arauto instances on one PostgreSQL ledger polling one SFTP server, which is away when they
 * start: once it is up, every file is taken by one of them, once, every number gets one message,
 * and every campaign's status files are complete in outbox/.
 */
@ExtendWith(ErrorLogCheck.class) // its last check runs after @AfterAll closed both instances
@UsesTestTemplates
class SftpTwoInstancesTest {

    static final int FILES = 6;
    static final int ROWS = 4;

    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer();
    static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();
    static JdbcTemplate ledger;

    @BeforeAll
    static void startBothInstancesWhileTheServerIsAway() {
        SFTP.start(); // picks the port the instances are told about
        SFTP.stop();
        String ledgerUrl = SharedPostgres.newDatabase("sftp_two");
        for (String name : List.of("a", "b")) {
            Path dataDir = tempDir("arauto-sftp-" + name + "-");
            Map<String, String> properties = SftpTestSupport.properties(dataDir, SFTP, SFTP.writeKnownHosts(dataDir.resolve("known_hosts")));
            properties.put("arauto.intake.sftp.password", EmbeddedSftpServer.PASSWORD);
            properties.put("spring.datasource.url", ledgerUrl);
            properties.put("spring.datasource.username", SharedPostgres.USER);
            properties.put("spring.datasource.password", SharedPostgres.PASSWORD);
            String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            INSTANCES.add(new SpringApplicationBuilder(ArautoApplication.class).web(WebApplicationType.NONE).run(args));
        }
        ledger = INSTANCES.get(0).getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
        SFTP.stop();
    }

    @Test
    void everyFileIsTakenOnceAndEveryNumberMessagedOnce() {
        for (int f = 0; f < FILES; f++) {
            List<String> lines = new ArrayList<>(List.of("telefone,nome,pedido,entrega"));
            for (int r = 0; r < ROWS; r++) {
                lines.add(phone(f, r) + ",Cliente " + r + "," + (f * 100 + r) + ",hoje");
            }
            SFTP.put("/inbox/pedido_enviado/lote-" + f + ".csv", csv(lines.toArray(String[]::new)));
        }
        SFTP.start();

        for (int f = 0; f < FILES; f++) {
            long campaign = awaitArchived(SFTP, "pedido_enviado", "lote-" + f, ".csv");
            String report = "/inbox/outbox/lote-" + f + "." + campaign + ".status.csv";
            // (a report is replaced on the server by removing the old one just before the rename: gone for that instant)
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).until(() -> SFTP.exists(report)
                    && new String(SFTP.read(report), StandardCharsets.UTF_8).split(",SENT,", -1).length == ROWS + 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> SFTP.exists(report.replace(".csv", ".xlsx")));
        }
        for (int f = 0; f < FILES; f++) {
            for (int r = 0; r < ROWS; r++) {
                assertThat(requestsTo(phone(f, r))).as("messages to %s", phone(f, r)).hasSize(1);
            }
        }
        assertThat(ledger.queryForList("select name from campaign order by name", String.class))
                .containsExactly("lote-0.csv", "lote-1.csv", "lote-2.csv", "lote-3.csv", "lote-4.csv", "lote-5.csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.queryForList("select distinct status from campaign", String.class),
                statuses -> statuses.equals(List.of("DONE")));
        assertThat(ledger.queryForObject("select count(*) from campaign where archived_at is null", Integer.class)).isZero();
        assertThat(SFTP.filesUnder("/inbox/pedido_enviado")).isEmpty();
        assertThat(SFTP.filesUnder("/inbox/error")).isEmpty();
        assertThat(SFTP.filesUnder("/inbox")).noneMatch(p -> p.endsWith(".tmp") || p.contains("/."));
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.queryForObject("select count(*) from intake_claim", Integer.class) == 0);
    }

    private static String phone(int file, int row) {
        return String.format("55119610%02d%03d", file, row);
    }
}
