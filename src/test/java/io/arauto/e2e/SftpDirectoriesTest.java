package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An SFTP server whose login folder is not its root, as on a real server (OpenSSH starts a session in the user's home):
 * {@code directory: /srv/arauto/inbox} is that absolute path, not one under the login folder, and a directory that is
 * not there says which path was not found.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SftpDirectoriesTest {

    static final String INBOX = "/srv/arauto/inbox";
    static final Path DATA_DIR = tempDir("arauto-sftp-dirs-");
    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer().loginFolder("/home/arauto").start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SftpTestSupport.properties(DATA_DIR, SFTP, SFTP.writeKnownHosts(DATA_DIR.resolve("known_hosts")))
                .forEach((key, value) -> registry.add(key, () -> value));
        registry.add("arauto.intake.sftp.password", () -> EmbeddedSftpServer.PASSWORD);
        registry.add("arauto.intake.sftp.directory", () -> INBOX);
    }

    @Autowired
    HealthEndpoint health;

    @AfterAll
    static void stopServer() {
        SFTP.stop();
    }

    @Test
    @Order(1)
    void aDirectoryThatIsNotThereIsNamedInTheHealthAndTheLog(CapturedOutput log) throws Exception {
        Health down = await().atMost(Duration.ofSeconds(20)).until(this::sftpHealth, h -> h.getStatus().equals(Status.DOWN));
        assertThat(String.valueOf(down.getDetails().get("intake"))).contains("'" + INBOX + "'", "not found");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.getAll().contains("'" + INBOX + "' was not found"));
        assertThat(log.getAll()).doesNotContain("SftpException");

        Files.createDirectories(SFTP.local(INBOX));
        await().atMost(Duration.ofSeconds(20)).until(() -> sftpHealth().getStatus().equals(Status.UP));
    }

    @Test
    @Order(2)
    void anAbsoluteDirectoryIsTheServersPathNotOneUnderTheLoginFolder(CapturedOutput log) throws Exception {
        Files.createDirectories(SFTP.local(INBOX));
        byte[] content = csv("telefone,nome,pedido,entrega", "5511960001301,Nina,1,hoje");
        // the same file where a directory read under the login folder would find it: it must stay where it is
        SFTP.put("/home/arauto" + INBOX + "/pedido_enviado/absoluto.csv", content);
        SFTP.put(INBOX + "/pedido_enviado/absoluto.csv", content);

        long campaign = awaitArchived(SFTP, INBOX, "pedido_enviado", "absoluto", ".csv");
        // its status file goes back beside it, under the same absolute directory
        await().atMost(Duration.ofSeconds(20)).until(() -> SFTP.exists(INBOX + "/outbox/absoluto." + campaign + ".status.csv"));
        assertThat(SFTP.exists("/home/arauto" + INBOX + "/pedido_enviado/absoluto.csv")).isTrue();
        assertThat(SFTP.filesUnder("/home/arauto")).containsExactly("/home/arauto" + INBOX + "/pedido_enviado/absoluto.csv");
        assertThat(log.getAll()).doesNotContain("doesn't support absolute paths");
    }

    /** Five people put a spreadsheet named alike on the server at once, each in a different template folder; all five are wrong. */
    @Test
    @Order(3)
    void fiveFilesOfTheSameNameRejectedAtOnceKeepFiveNamesAndFiveNotesInError() throws Exception {
        Files.createDirectories(SFTP.local(INBOX));
        byte[] wrong = csv("telefone", "5511960001401"); // no variables: refused by every template
        List<String> folders = List.of("pedido_enviado", "fatura", "aviso_simples", "quebrado", "nao_existe");
        for (String folder : folders) {
            SFTP.put(INBOX + "/" + folder + "/F.csv", wrong);
        }
        List<String> notes = await().atMost(Duration.ofSeconds(30)).until(() -> SFTP.filesUnder(INBOX + "/error").stream()
                .filter(p -> p.matches(".*/F(\\..+)?\\.csv\\.error\\.txt")).toList(), n -> n.size() >= 5
                && n.stream().allMatch(p -> SFTP.exists(p.replaceFirst("\\.error\\.txt$", ""))));
        assertThat(notes).hasSize(5);
        for (String folder : folders) {
            assertThat(notes).as("a note for %s/F.csv", folder).anyMatch(note -> text(note).startsWith(folder + "/F.csv was not taken."));
            assertThat(SFTP.exists(INBOX + "/" + folder + "/F.csv")).isFalse();
        }
        for (String note : notes) {
            String file = note.replaceFirst("\\.error\\.txt$", "");
            assertThat(SFTP.read(file)).as("the file beside %s", note).isEqualTo(wrong);
            assertThat(text(note)).contains("Moved to: error/" + file.substring(file.lastIndexOf('/') + 1));
        }
        assertThat(SFTP.filesUnder(INBOX + "/error")).hasSize(10);
    }

    /**
     * A name of 244 bytes is taken, its archived name cut short; one of 255 (the most the server's file system takes) cannot
     * be downloaded, as the download's work file {@code <name>.inprogress} would not fit: it is refused with a note, unread.
     */
    @Test
    @Order(4)
    void aLongNameIsTakenAndOneTooLongToDownloadIsRejectedWithANote(CapturedOutput log) throws Exception {
        Files.createDirectories(SFTP.local(INBOX));
        String longest = "b" + "ç".repeat(117) + "long.csv"; // 1 + 234 + 8 = 243 bytes
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(243);
        SFTP.put(INBOX + "/pedido_enviado/" + longest, csv("telefone,nome,pedido,entrega", "5511960001501,Lia,1,hoje"));
        long campaign = await().atMost(Duration.ofSeconds(30)).until(() -> SFTP.filesUnder(INBOX + "/archive/pedido_enviado").stream()
                .filter(p -> p.contains("/bçç") && p.endsWith(".csv")).findFirst().orElse(null), p -> p != null)
                .replaceFirst(".*\\.(\\d+)\\.csv$", "$1").transform(Long::parseLong);
        assertThat(SFTP.exists(INBOX + "/pedido_enviado/" + longest)).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> SFTP.filesUnder(INBOX + "/outbox").stream()
                .anyMatch(p -> p.contains("/bçç") && p.endsWith("." + campaign + ".status.xlsx")));

        String tooLong = "a" + "ç".repeat(123) + "long.csv";
        assertThat(tooLong.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        byte[] content = csv("telefone,nome,pedido,entrega", "5511960001502,Lu,1,hoje");
        SFTP.put(INBOX + "/pedido_enviado/" + tooLong, content);
        String note = await().atMost(Duration.ofSeconds(30)).until(() -> SFTP.filesUnder(INBOX + "/error").stream()
                .filter(p -> p.contains("/açç") && p.endsWith(".csv.error.txt")).findFirst().orElse(null),
                p -> p != null && SFTP.read(p).length > 0); // claimed empty first, then written
        assertThat(text(note)).startsWith("pedido_enviado/" + tooLong + " was not taken.").contains("255 bytes long", "shorter name");
        await().atMost(Duration.ofSeconds(10)).until(() -> !SFTP.exists(INBOX + "/pedido_enviado/" + tooLong));
        assertThat(SFTP.read(note.replaceFirst("\\.error\\.txt$", ""))).isEqualTo(content);
        assertThat(sftpHealth().getStatus()).isEqualTo(Status.UP);
        assertThat(log.getAll()).doesNotContain("File name too long");
        assertThat(SftpTestSupport.requestsTo("5511960001502")).isEmpty();
    }

    /** archive/&lt;template&gt; on the server is a file (a folder that cannot be written, as root too): said once, tried again later. */
    @Test
    @Order(5)
    void aFileThatCannotBeArchivedOnTheServerIsSaidOnceAndArchivedOnceItCan(CapturedOutput log) throws Exception {
        Files.createDirectories(SFTP.local(INBOX + "/archive"));
        Path blocked = SFTP.local(INBOX + "/archive/aviso_simples");
        Files.writeString(blocked, "a file where archive/aviso_simples/ should be");
        String phone = "5511960001601";
        SFTP.put(INBOX + "/aviso_simples/preso.csv", csv("telefone,nome,codigo", phone + ",Ana,1234"));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> SftpTestSupport.requestsTo(phone).size() == 1);
            Health down = await().atMost(Duration.ofSeconds(20)).until(this::sftpHealth, h -> h.getStatus().equals(Status.DOWN));
            assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_simples/preso.csv could not be moved to archive/",
                    INBOX + "/archive/aviso_simples on the server is a file, not a folder");
            await().atMost(Duration.ofSeconds(20)).until(() -> log.getAll().split("preso.csv was read again", -1).length > 2);
        } finally {
            Files.delete(blocked);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !SFTP.exists(INBOX + "/aviso_simples/preso.csv"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sftpHealth().getStatus().equals(Status.UP));
        assertThat(SFTP.filesUnder(INBOX + "/archive/aviso_simples")).singleElement().satisfies(p -> assertThat(p).matches(".*/preso\\.\\d+\\.csv"));
        assertThat(SFTP.filesUnder(INBOX + "/error")).noneMatch(p -> p.contains("preso"));
        assertThat(SftpTestSupport.requestsTo(phone)).hasSize(1);
        assertThat(log.getAll().split("could not be moved to archive/", -1)).as("the cause, said once").hasSize(2);
    }

    private static String text(String serverPath) {
        return new String(SFTP.read(serverPath), StandardCharsets.UTF_8);
    }

    private Health sftpHealth() {
        return (Health) health.healthForPath("sftp");
    }
}
