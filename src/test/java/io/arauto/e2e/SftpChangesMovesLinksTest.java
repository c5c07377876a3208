package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.requestsTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SFTP twin of the local inbox's corners (FolderIntakeTest, FolderMovesTest, FolderLinksTest), on a real SFTP server
 * (Apache MINA SSHD): a file that changes on the server while it is read has its campaign dropped before anything is sent
 * and is read again once still; a rejected file that cannot be moved to error/ there is said once, shows on health and is
 * tried again later, with no note left for a move that did not happen and no error/ growing; a symbolic link is refused
 * unread with a note, and a linked folder is not entered. Tests may run as root, where permissions do not stop writes, so
 * a folder that cannot be written is a plain file standing where it should be, and a file that cannot be moved is one
 * whose name in error/ is taken by a folder.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class SftpChangesMovesLinksTest {

    static final Path DATA_DIR = tempDir("arauto-sftp-corners-");
    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer().start();

    static {
        try {
            Files.createDirectories(SFTP.local("/inbox")); // there before Arauto's first look
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    private static final String VALID = "telefone,nome,pedido,entrega\n%s,Ana,1,hoje\n";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SftpTestSupport.properties(DATA_DIR, SFTP, SFTP.writeKnownHosts(DATA_DIR.resolve("known_hosts")))
                .forEach((key, value) -> registry.add(key, () -> value));
        registry.add("arauto.intake.sftp.password", () -> EmbeddedSftpServer.PASSWORD);
    }

    @Autowired
    HealthEndpoint health;

    @Autowired
    JdbcTemplate jdbc;

    @AfterAll
    static void stopServer() {
        SFTP.stop();
    }

    /**
     * Point 16: an upload that goes on after Arauto downloaded the file (a WinSCP upload resumed after a stall longer than
     * stable-for): the campaign of what was downloaded is dropped before anything of it is sent, the log says so, and the
     * file is taken again, whole, once it has stopped changing, and sent once.
     */
    @Test
    void aFileThatChangesOnTheServerWhileItIsReadIsDroppedAndReadAgainWhole(CapturedOutput log) throws Exception {
        int rows = 40_000;
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < rows; i++) { // no name: invalid, so that only the row the upload adds is sent
            csv.append(String.format("55119688%05d,,%d,hoje%n", i % 100_000, i));
        }
        SFTP.put("/inbox/pedido_enviado/crescendo.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        long first = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'crescendo.csv' and status = 'READING'", Long.class), id -> id != null);
        Files.writeString(SFTP.local("/inbox/pedido_enviado/crescendo.csv"), "5511968899999,Dani,1,hoje\n", StandardOpenOption.APPEND);

        long again = await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'crescendo.csv' and status <> 'READING' and status <> 'REJECTED'", Long.class),
                id -> id != null);
        assertThat(again).isGreaterThan(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> SFTP.exists("/inbox/archive/pedido_enviado/crescendo." + again + ".csv"));
        assertThat(SFTP.exists("/inbox/pedido_enviado/crescendo.csv")).isFalse();
        assertThat(jdbc.queryForObject("select status from campaign where id = ?", String.class, first)).isEqualTo("REJECTED");
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, first)).isZero();
        assertThat(jdbc.queryForObject("select total_rows from campaign where id = ?", Integer.class, again)).isEqualTo(rows + 1);
        assertThat(log.getAll()).contains("pedido_enviado/crescendo.csv on the SFTP server changed while it was being read",
                "campaign " + first + " is dropped before anything of it was sent", "read again once it has stopped changing");
        assertThat(SFTP.read("/inbox/archive/pedido_enviado/crescendo." + again + ".csv")).endsWith(
                "5511968899999,Dani,1,hoje\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo("5511968899999").size() == 1);
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'crescendo.csv'", Integer.class)).isEqualTo(2);
        assertThat(SFTP.filesUnder("/inbox/error")).noneMatch(p -> p.contains("crescendo"));
    }

    /**
     * Point 17: error/ on the server cannot be written (the server answers "permission denied"): no note, no copy, the
     * cause said once, sftp DOWN, the file tried again later; refused into error/ with its note once it can be.
     */
    @Test
    void anErrorFolderThatCannotBeWrittenOnTheServerGetsNoFalseNoteAndTheFileIsRejectedOnceItCan(CapturedOutput log) throws Exception {
        SFTP.refuseWritesUnder("/inbox/error");
        SFTP.put("/inbox/aviso_simples/recusado.csv", csv("telefone", "5511968900101"));
        try {
            Health down = await().atMost(Duration.ofSeconds(30)).until(this::sftpHealth, h -> h.getStatus().equals(Status.DOWN)
                    && String.valueOf(h.getDetails().get("moves")).contains("recusado.csv"));
            assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_simples/recusado.csv could not be moved to error/",
                    "inbox/error/recusado.csv");
            // tried again meanwhile (poll delay 200 ms, doubling): read and refused again, and still not moved
            await().atMost(Duration.ofSeconds(30)).until(() -> count(log.getAll(), "aviso_simples/recusado.csv rejected") >= 2);
            assertThat(SFTP.exists("/inbox/aviso_simples/recusado.csv")).isTrue();
            assertThat(SFTP.filesUnder("/inbox/error")).noneMatch(p -> p.contains("/recusado"));
        } finally {
            SFTP.refuseWritesUnder(null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !SFTP.exists("/inbox/aviso_simples/recusado.csv"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sftpHealth().getStatus().equals(Status.UP));
        assertThat(count(log.getAll(), "recusado.csv could not be moved to error/")).as("the cause, said once").isEqualTo(1);
        assertThat(SFTP.filesUnder("/inbox/error").stream().filter(p -> p.contains("/recusado"))).containsExactlyInAnyOrder(
                "/inbox/error/recusado.csv", "/inbox/error/recusado.csv.error.txt");
        assertThat(new String(SFTP.read("/inbox/error/recusado.csv.error.txt"), StandardCharsets.UTF_8))
                .contains("aviso_simples/recusado.csv was not taken", "Moved to: error/recusado.csv", "reads as a single column");
        assertNothingPiledUpLocally();
    }

    /**
     * Point 17: the file cannot be moved to the name claimed for it (a folder holds that name in error/): the note claimed is
     * given back at each try, so error/ neither keeps a note for a file that is not there nor grows; moved once it can be.
     */
    @Test
    void aRejectedFileThatCannotBeMovedLeavesNoNoteBehindAndErrorDoesNotGrow(CapturedOutput log) throws Exception {
        Path inTheWay = Files.createDirectories(SFTP.local("/inbox/error/bloqueado.csv"));
        SFTP.put("/inbox/aviso_simples/bloqueado.csv", csv("telefone", "5511968900201"));
        try {
            Health down = await().atMost(Duration.ofSeconds(30)).until(this::sftpHealth, h -> h.getStatus().equals(Status.DOWN)
                    && String.valueOf(h.getDetails().get("moves")).contains("bloqueado.csv"));
            assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_simples/bloqueado.csv could not be moved to error/");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(log.getAll(), "aviso_simples/bloqueado.csv rejected") >= 3);
            // a try under way may show its note for a moment; between tries none is left, and never more than one
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<String> seen = SFTP.filesUnder("/inbox/error").stream().filter(p -> p.contains("/bloqueado")).toList();
                assertThat(seen).as("error/ never grows").hasSizeLessThanOrEqualTo(1);
                return seen.isEmpty();
            });
            assertThat(SFTP.exists("/inbox/aviso_simples/bloqueado.csv")).isTrue();
        } finally {
            Files.delete(inTheWay);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !SFTP.exists("/inbox/aviso_simples/bloqueado.csv"));
        assertThat(count(log.getAll(), "aviso_simples/bloqueado.csv could not be moved to error/")).as("the cause, said once").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(SFTP.filesUnder("/inbox/error").stream()
                .filter(p -> p.contains("/bloqueado"))).hasSize(2));
        String note = SFTP.filesUnder("/inbox/error").stream().filter(p -> p.contains("/bloqueado") && p.endsWith(".error.txt"))
                .findFirst().orElseThrow();
        assertThat(SFTP.exists(note.replaceFirst("\\.error\\.txt$", ""))).isTrue();
        assertNothingPiledUpLocally();
    }

    /** Point 18: a link to a file elsewhere is refused unread, the link itself moves to error/, its target stays. */
    @Test
    void aLinkToAFileElsewhereIsRefusedUnreadAndItsTargetStaysWhereItIs() throws Exception {
        Path outside = Files.createTempDirectory("arauto-outside-").resolve("clientes.csv");
        String phone = "5511968900301";
        Files.writeString(outside, VALID.formatted(phone));
        Path link = Files.createSymbolicLink(Files.createDirectories(SFTP.local("/inbox/pedido_enviado")).resolve("atalho.csv"), outside);

        String note = await().atMost(Duration.ofSeconds(30)).until(() -> noteFor("atalho"), n -> n != null);
        assertThat(note).startsWith("pedido_enviado/atalho.csv was not taken.").contains("symbolic link", "nothing was read")
                .doesNotContain(phone);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertThat(outside).hasContent(VALID.formatted(phone)); // the target is untouched, where it was
        assertThat(SFTP.local("/inbox/error/atalho.csv")).as("the link itself is what moves").isSymbolicLink();
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'atalho.csv'", Integer.class)).isZero();
        assertThat(requestsTo(phone)).isEmpty();
    }

    /** Point 18: a link to a system file is never read, so never quoted. */
    @Test
    void aLinkToASystemFileIsNeverQuotedInItsNote() throws Exception {
        Path secret = Files.createTempFile("arauto-secret-", ".txt");
        Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");
        Files.createSymbolicLink(Files.createDirectories(SFTP.local("/inbox/pedido_enviado")).resolve("senhas.csv"), secret);
        String note = await().atMost(Duration.ofSeconds(30)).until(() -> noteFor("senhas"), n -> n != null);
        assertThat(note).contains("symbolic link").doesNotContain("root");
    }

    /** Point 18: a linked folder, as a template folder or under one, is not entered, and nothing in it is read or moved. */
    @Test
    void aLinkedFolderIsNotEnteredAndNothingInItIsMoved(CapturedOutput log) throws Exception {
        Path elsewhere = Files.createTempDirectory("arauto-elsewhere-");
        Path file = elsewhere.resolve("fora.csv");
        String phone = "5511968900401";
        Files.writeString(file, VALID.formatted(phone));
        Path linkedFolder = Files.createSymbolicLink(Files.createDirectories(SFTP.local("/inbox/pedido_enviado")).resolve("compartilhada"),
                elsewhere);
        Path linkedTemplate = Files.createSymbolicLink(SFTP.local("/inbox/aviso_link"), elsewhere);

        // a file put after the links is taken, so the poller has listed the inbox with them in it
        SFTP.put("/inbox/pedido_enviado/depois-dos-links.csv", VALID.formatted("5511968900402").getBytes(StandardCharsets.UTF_8));
        awaitArchived(SFTP, "pedido_enviado", "depois-dos-links", ".csv");
        await().atMost(Duration.ofSeconds(20)).until(() -> log.getAll().contains("aviso_link on the SFTP server is a symbolic link to a folder")
                && log.getAll().contains("pedido_enviado/compartilhada on the SFTP server is a symbolic link to a folder"));

        assertThat(file).hasContent(VALID.formatted(phone));
        assertThat(Files.isSymbolicLink(linkedFolder) && Files.isSymbolicLink(linkedTemplate)).as("the links stay where they are").isTrue();
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'fora.csv'", Integer.class)).isZero();
        assertThat(SFTP.filesUnder("/inbox/error")).noneMatch(p -> p.contains("/fora") || p.contains("compartilhada") || p.contains("aviso_link"));
        assertThat(requestsTo(phone)).isEmpty();
        assertThat(count(log.getAll(), "aviso_link on the SFTP server is a symbolic link to a folder")).as("said once").isEqualTo(1);
        Files.delete(linkedFolder);
        Files.delete(linkedTemplate);
    }

    /** Nothing of the server's files is kept on this machine: no local error/, no download left in the work folder. */
    private static void assertNothingPiledUpLocally() throws java.io.IOException {
        assertThat(ArautoTestBase.filesUnder(DATA_DIR.resolve("error"))).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ArautoTestBase.filesUnder(DATA_DIR.resolve("sftp-work")))
                .isEmpty());
    }

    private static String noteFor(String base) {
        for (String p : SFTP.filesUnder("/inbox/error")) {
            String name = p.substring(p.lastIndexOf('/') + 1);
            if (name.startsWith(base + ".") && name.endsWith(".error.txt") && SFTP.read(p).length > 0) {
                return new String(SFTP.read(p), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private Health sftpHealth() {
        return (Health) health.healthForPath("sftp");
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
