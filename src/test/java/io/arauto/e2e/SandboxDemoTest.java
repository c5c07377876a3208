package io.arauto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.FastTimings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the README's run command does: the demo profile drops the shipped sample, the sandbox
 * provider takes every message and reports it delivered and read (one in five failed, one in four
 * replied to) as webhook events in the ledger, and the status file says so.
 * Done-files are on here, so a file without its .done waits in the inbox.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("demo")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
class SandboxDemoTest {

    static final Path DATA_DIR = createTempDir();

    @Autowired
    JdbcTemplate ledger;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("arauto.data-dir", DATA_DIR::toString);
        registry.add("arauto.intake.done-files", () -> "true");
        FastTimings.register(registry);
    }

    @Test
    void sampleGoesAllTheWayToReadRepliedOrFailedInTheStatusFile() throws IOException {
        Path outbox = DATA_DIR.resolve("outbox");
        long campaign = await().atMost(Duration.ofSeconds(30)).until(() -> ledger.queryForList(
                "select id from campaign where name like 'pedidos-exemplo%' and status = 'DONE'", Long.class), ids -> !ids.isEmpty()).get(0);
        // every report the sandbox stored as a webhook event has been applied, and the status file shows what the ledger holds
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.queryForObject(
                "select count(*) from webhook_event where source = 'sandbox' and applied_at is null", Integer.class) == 0
                && ledger.queryForObject("select count(*) from message where campaign_id = ? and status in ('QUEUED', 'SENDING', 'SENT', "
                        + "'DELIVERED')", Integer.class, campaign) == 0);
        List<String> statuses = ledger.queryForList("select status from message where campaign_id = ? order by row_num", String.class, campaign);
        List<String> lines = await().atMost(Duration.ofSeconds(30)).until(() -> {
            Path report = report(outbox);
            return report == null ? null : Files.readAllLines(report, StandardCharsets.UTF_8);
        }, l -> l != null && l.size() == 1 + statuses.size()
                && l.stream().skip(1).map(line -> line.split(",")[3]).toList().equals(statuses));
        assertThat(lines).hasSize(1 + 8);
        // the five queued rows were sent: the sandbox reported each delivered and read, or failed (one in five), and had one
        // in four replied to
        assertThat(statuses).filteredOn(s -> List.of("READ", "REPLIED", "FAILED").contains(s)).hasSize(5);
        assertThat(statuses).contains("REPLIED", "FAILED");
        assertThat(lines.stream().filter(l -> l.contains(",FAILED,"))).allSatisfy(l -> assertThat(l).contains("131026", "Message undeliverable"));
        assertThat(lines.stream().filter(l -> l.contains(",INVALID,"))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.contains(",DUPLICATE,"))).hasSize(1);
        // its reports went through the ledger as webhook events (so a restart loses none), and the same code as Meta's
        assertThat(ledger.queryForObject("select count(*) from webhook_event where source = 'sandbox' and payload like "
                + "'%\"object\":\"whatsapp_business_account\"%'", Integer.class)).isGreaterThanOrEqualTo(5);
        assertThat(DATA_DIR.resolve("archive/pedido_enviado")).isDirectoryContaining("glob:**/pedidos-exemplo.*.csv");
        assertThat(Files.readString(auditFile())).contains("\"event\":\"campaign_created\"", "\"event\":\"message_sent\"",
                "\"event\":\"status_received\"", "\"event\":\"reply_received\"", "\"event\":\"campaign_settled\"");
    }

    @Test
    void withDoneFilesOnAFileWaitsForItsDoneFile() throws IOException {
        Path dir = DATA_DIR.resolve("inbox/pedido_enviado");
        Files.createDirectories(dir);
        Path file = Files.writeString(dir.resolve("espera.csv"), "telefone,nome,pedido,entrega\n5511987001299,Ana,1,hoje\n");
        // a file with its .done dropped after it is taken, so the poller has passed over this one
        Path other = Files.writeString(dir.resolve("outra.csv"), "telefone,nome,pedido,entrega\n5511987001298,Bia,2,hoje\n");
        Files.writeString(dir.resolve("outra.csv.done"), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(other));
        assertThat(file).exists();
        Files.writeString(dir.resolve("espera.csv.done"), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
        assertThat(DATA_DIR.resolve("archive/pedido_enviado")).isDirectoryContaining("glob:**/espera.*.csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir.resolve("espera.csv.done"))); // taken along with its file
    }

    private static Path report(Path outbox) throws IOException {
        if (!Files.exists(outbox)) {
            return null;
        }
        try (var files = Files.list(outbox)) {
            return files.filter(p -> p.getFileName().toString().matches("pedidos-exemplo\\.\\d+\\.status\\.csv")).findFirst().orElse(null);
        }
    }

    private static Path auditFile() throws IOException {
        try (var files = Files.list(DATA_DIR.resolve("audit"))) {
            return files.findFirst().orElseThrow();
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("arauto-demo-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
