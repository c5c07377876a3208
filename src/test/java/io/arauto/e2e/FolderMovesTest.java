package io.arauto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A file that cannot be moved out of the inbox once taken: the real cause is said once, "inbox" is DOWN on health, the
 * file is tried again with backoff, and nothing is sent twice, no note is false, error/ does not grow. Tests may run as
 * root, where a folder's permissions do not stop writes, so the folder that cannot be written is made a plain file
 * standing where the folder should be, which stops root as well.
 */
@ExtendWith(OutputCaptureExtension.class)
class FolderMovesTest extends ArautoTestBase {

    @Autowired
    HealthEndpoint health;

    @Autowired
    JdbcTemplate jdbc;

    // a template of its own: its archive/ folder holds nothing of the other tests sharing the context
    @Test
    void anArchiveFolderThatCannotBeWrittenIsSaidOnceAndTheFileIsArchivedOnceItCan(CapturedOutput log) throws Exception {
        Path blocked = DATA_DIR.resolve("archive/aviso_arquivo");
        Files.createDirectories(blocked.getParent());
        Files.deleteIfExists(blocked);
        Files.writeString(blocked, "a file where archive/aviso_arquivo/ should be");
        String phone = "5511987011701";
        Path file = drop("aviso_arquivo", "preso.csv", ("telefone,nome,codigo\n" + phone + ",Ana,1234\n").getBytes(StandardCharsets.UTF_8));
        try {
            Health down = await().atMost(Duration.ofSeconds(20)).until(this::inboxHealth, h -> h.getStatus().equals(Status.DOWN));
            assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_arquivo/preso.csv could not be moved to archive/",
                    blocked + " is a file, not a folder");
            await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo(phone).size() == 1);
            // it is tried again a few times meanwhile (poll delay 200 ms, doubling): read again, archived as its campaign
            await().atMost(Duration.ofSeconds(20)).until(() -> count(log.getAll(), "aviso_arquivo/preso.csv was read again") >= 2);
            assertThat(file).exists();
        } finally {
            Files.delete(blocked);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
        await().atMost(Duration.ofSeconds(10)).until(() -> inboxHealth().getStatus().equals(Status.UP));

        assertThat(count(log.getAll(), "could not be moved to archive/")).as("the cause, said once").isEqualTo(1);
        assertThat(filesUnder(DATA_DIR.resolve("archive/aviso_arquivo"))).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).matches("preso\\.\\d+\\.csv"));
        assertThat(filesUnder(DATA_DIR.resolve("error"))).noneMatch(p -> p.getFileName().toString().startsWith("preso"));
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'preso.csv'", Integer.class)).isEqualTo(1);
        assertThat(requestsTo(phone)).hasSize(1);
    }

    @Test
    void anErrorFolderThatCannotBeWrittenGetsNoFalseNoteAndTheFileIsRejectedOnceItCan(CapturedOutput log) throws Exception {
        Path error = DATA_DIR.resolve("error");
        Path aside = DATA_DIR.resolve("error-aside");
        if (Files.exists(error)) {
            Files.move(error, aside);
        }
        Files.writeString(error, "a file where error/ should be");
        Path file = drop("aviso_simples", "recusado.csv", "telefone\n5511987011702\n".getBytes(StandardCharsets.UTF_8));
        try {
            Health down = await().atMost(Duration.ofSeconds(20)).until(this::inboxHealth, h -> h.getStatus().equals(Status.DOWN));
            assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_simples/recusado.csv could not be moved to error/",
                    error + " is a file, not a folder");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(log.getAll(), "aviso_simples/recusado.csv rejected") >= 2);
            assertThat(file).exists();
        } finally {
            Files.delete(error);
            if (Files.exists(aside)) {
                Files.move(aside, error);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
        await().atMost(Duration.ofSeconds(10)).until(() -> inboxHealth().getStatus().equals(Status.UP));
        assertThat(count(log.getAll(), "could not be moved to error/")).as("the cause, said once").isEqualTo(1);
        // the file and its note, whichever attempt moved it (one made while error/ was still a file writes its note once it can)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesUnder(error).stream()
                .filter(p -> p.getFileName().toString().startsWith("recusado"))).hasSize(2));
        assertThat(Files.readString(error.resolve("recusado.csv.error.txt"))).contains("reads as a single column");
    }

    private Health inboxHealth() {
        return (Health) health.healthForPath("inbox");
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
