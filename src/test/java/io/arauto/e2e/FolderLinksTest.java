package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Symbolic links are not followed out of the inbox: a link to a file is refused with a note and nothing of its target
 * is read or sent; a linked folder is not entered, so nothing outside the inbox is ever read or moved.
 */
@ExtendWith(OutputCaptureExtension.class)
class FolderLinksTest extends ArautoTestBase {

    private static final String VALID = "telefone,nome,pedido,entrega\n%s,Ana,1,hoje\n";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aLinkToAFileElsewhereIsRefusedUnreadAndItsTargetStaysWhereItIs() throws Exception {
        Path outside = Files.createTempDirectory("arauto-outside-").resolve("clientes.csv");
        String phone = "5511987011801";
        Files.writeString(outside, VALID.formatted(phone));
        Path link = Files.createSymbolicLink(Files.createDirectories(inbox().resolve("pedido_enviado")).resolve("atalho.csv"), outside);
        awaitTaken(link);

        String note = await().atMost(Duration.ofSeconds(10)).until(() -> noteFor("atalho"), n -> n != null);
        assertThat(note).startsWith("pedido_enviado/atalho.csv was not taken.").contains("symbolic link", "nothing was read")
                .doesNotContain(phone);
        assertThat(outside).hasContent(VALID.formatted(phone)); // the target is untouched, where it was
        Path moved = DATA_DIR.resolve("error/atalho.csv");
        assertThat(moved).as("the link itself is what moves").isSymbolicLink();
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'atalho.csv'", Integer.class)).isZero();
        assertThat(requestsTo(phone)).isEmpty();
    }

    @Test
    void aLinkToASystemFileIsNeverQuotedInItsNote() throws Exception {
        Path secret = Files.createTempFile("arauto-secret-", ".txt");
        Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");
        Path link = Files.createSymbolicLink(Files.createDirectories(inbox().resolve("pedido_enviado")).resolve("senhas.csv"), secret);
        awaitTaken(link);
        String note = await().atMost(Duration.ofSeconds(10)).until(() -> noteFor("senhas"), n -> n != null);
        assertThat(note).contains("symbolic link").doesNotContain("root");
    }

    @Test
    void aLinkedFolderIsNotEnteredAndNothingInItIsMoved(CapturedOutput log) throws Exception {
        Path elsewhere = Files.createTempDirectory("arauto-elsewhere-");
        Path file = elsewhere.resolve("fora.csv");
        String phone = "5511987011802";
        Files.writeString(file, VALID.formatted(phone));
        Files.createDirectories(inbox().resolve("pedido_enviado"));
        Path linkedFolder = Files.createSymbolicLink(inbox().resolve("pedido_enviado").resolve("compartilhada"), elsewhere);
        Path linkedTemplate = Files.createSymbolicLink(inbox().resolve("aviso_link"), elsewhere);

        // a file dropped after the links is taken, so the poller has walked the inbox with them in it
        Path marker = drop("pedido_enviado", "depois-dos-links.csv", VALID.formatted("5511987011803").getBytes(StandardCharsets.UTF_8));
        awaitTaken(marker);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.getAll().contains("aviso_link is a symbolic link to a folder"));

        assertThat(file).hasContent(VALID.formatted(phone));
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'fora.csv'", Integer.class)).isZero();
        assertThat(filesUnder(DATA_DIR.resolve("error"))).noneMatch(p -> p.getFileName().toString().startsWith("fora"));
        assertThat(requestsTo(phone)).isEmpty();
        Files.delete(linkedFolder);
        Files.delete(linkedTemplate);
    }

    private static String noteFor(String base) throws java.io.IOException {
        for (Path p : filesUnder(DATA_DIR.resolve("error"))) {
            String name = p.getFileName().toString();
            if (name.startsWith(base + ".") && name.endsWith(".error.txt") && Files.size(p) > 0) {
                return Files.readString(p);
            }
        }
        return null;
    }
}
