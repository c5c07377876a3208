package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Names Arauto gives the files it moves and writes: never one over another, and never longer than a file system takes. */
class FolderNamesTest extends ArautoTestBase {

    /** Most Linux and Windows file systems take names of at most 255 bytes (UTF-8 on Linux). */
    private static final int NAME_MAX = 255;

    @Autowired
    JdbcTemplate jdbc;

    /** Five people drop a spreadsheet named alike at the same moment, each in a different template folder; all five are wrong. */
    @Test
    void fiveFilesOfTheSameNameRejectedAtOnceKeepFiveNamesAndFiveNotesInError() throws Exception {
        byte[] wrong = "telefone\n5511987011401\n".getBytes(StandardCharsets.UTF_8); // no variables: refused by every template
        List<String> folders = List.of("pedido_enviado", "fatura", "aviso_simples", "quebrado", "nao_existe_f");
        Path staging = Files.createTempDirectory(DATA_DIR, "staging");
        for (String folder : folders) {
            Files.createDirectories(inbox().resolve(folder));
            Files.write(staging.resolve(folder + ".csv"), wrong);
        }
        for (String folder : folders) { // as close together as renames go
            Files.move(staging.resolve(folder + ".csv"), inbox().resolve(folder).resolve("F.csv"));
        }
        for (String folder : folders) {
            awaitTaken(inbox().resolve(folder).resolve("F.csv"));
        }
        List<Path> notes = await().atMost(Duration.ofSeconds(10)).until(() -> filesUnder(DATA_DIR.resolve("error")).stream()
                .filter(p -> p.getFileName().toString().matches("F(\\..+)?\\.csv\\.error\\.txt")).toList(), n -> n.size() >= 5);
        assertThat(notes).hasSize(5);
        for (String folder : folders) {
            assertThat(notes).as("a note for %s/F.csv", folder).anyMatch(note -> read(note).startsWith(folder + "/F.csv was not taken."));
        }
        for (Path note : notes) {
            Path file = note.resolveSibling(note.getFileName().toString().replaceFirst("\\.error\\.txt$", ""));
            assertThat(file).as("the file beside %s", note).hasBinaryContent(wrong);
            assertThat(read(note)).contains("Moved to: error/" + file.getFileName());
        }
    }

    /** A name as long as a Linux file system allows but for a little: its derived names (archive, status files) are shortened. */
    @Test
    void aLongNameIsTakenAndItsDerivedNamesFitTheFileSystem() throws Exception {
        // Conceição is two bytes longer in UTF-8 than in characters: what counts is bytes
        String name = "pedidos-da-semana-Conceição-" + "x".repeat(205 - 32) + ".csv";
        assertThat(name).hasSize(205);
        String phone = "5511987011501";
        Path file = drop("pedido_enviado", name, ("telefone,nome,pedido,entrega\n" + phone + ",Ana,1,hoje\n").getBytes(StandardCharsets.UTF_8));
        awaitTaken(file);
        long campaign = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = ?", Long.class, name), id -> id != null);
        Path archived = await().atMost(Duration.ofSeconds(10)).until(() -> single(DATA_DIR.resolve("archive/pedido_enviado"), "." + campaign + ".csv"),
                p -> p != null);
        assertFits(archived);
        Path status = await().atMost(Duration.ofSeconds(20)).until(() -> single(DATA_DIR.resolve("outbox"), "." + campaign + ".status.csv"),
                p -> p != null);
        assertFits(status);
        assertThat(status.getFileName().toString()).startsWith("pedidos-da-semana-Conceição-x");
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo(phone).size() == 1);
    }

    /** The longest name ext4 takes, 255 bytes, most of them two-byte letters: accepted, or rejected, it is handled like any other. */
    @Test
    void aNameAtTheFileSystemsLimitIsAcceptedOrRejectedLikeAnyOther() throws Exception {
        String name = "ç".repeat(123) + "long.csv"; // 246 + 8 bytes, and one more letter in front: 255
        String accepted = "a" + name;
        assertThat(ShortNamesBytes.of(accepted)).isEqualTo(255);
        String phone = "5511987011502";
        Path good = dropLong("pedido_enviado", accepted, ("telefone,nome,pedido,entrega\n" + phone + ",Bia,1,hoje\n").getBytes(StandardCharsets.UTF_8));
        awaitTaken(good);
        long campaign = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = ?", Long.class, accepted), id -> id != null);
        Path archived = await().atMost(Duration.ofSeconds(10)).until(() -> single(DATA_DIR.resolve("archive/pedido_enviado"), "." + campaign + ".csv"),
                p -> p != null);
        assertFits(archived);
        assertThat(archived.getFileName().toString()).startsWith("açç");
        Path status = await().atMost(Duration.ofSeconds(20)).until(() -> single(DATA_DIR.resolve("outbox"), "." + campaign + ".status.xlsx"),
                p -> p != null);
        assertFits(status);
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo(phone).size() == 1);

        String rejected = "r" + name;
        Path bad = dropLong("pedido_enviado", rejected, "telefone\n5511987011503\n".getBytes(StandardCharsets.UTF_8));
        awaitTaken(bad);
        Path note = await().atMost(Duration.ofSeconds(10)).until(() -> filesUnder(DATA_DIR.resolve("error")).stream()
                .filter(p -> p.getFileName().toString().startsWith("rçç") && p.toString().endsWith(".error.txt")).findFirst().orElse(null),
                p -> p != null);
        assertFits(note);
        assertThat(read(note)).startsWith("pedido_enviado/" + rejected + " was not taken.");
        Path moved = note.resolveSibling(note.getFileName().toString().replaceFirst("\\.error\\.txt$", ""));
        assertThat(moved.getFileName().toString()).endsWith(".csv");
        assertThat(moved).hasBinaryContent("telefone\n5511987011503\n".getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #drop}, written beside the inbox instead of under a longer temporary name, which would not fit. */
    private static Path dropLong(String template, String name, byte[] content) throws java.io.IOException {
        Path staging = Files.createTempDirectory(DATA_DIR, "staging").resolve(name);
        Files.write(staging, content);
        Files.createDirectories(inbox().resolve(template));
        return Files.move(staging, inbox().resolve(template).resolve(name));
    }

    private static final class ShortNamesBytes {
        static int of(String name) {
            return name.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private static void assertFits(Path file) {
        assertThat(file.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).as("bytes in %s", file.getFileName())
                .isLessThanOrEqualTo(NAME_MAX);
    }

    private static Path single(Path dir, String ending) throws java.io.IOException {
        List<Path> found = filesUnder(dir).stream().filter(p -> p.getFileName().toString().endsWith(ending)).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
