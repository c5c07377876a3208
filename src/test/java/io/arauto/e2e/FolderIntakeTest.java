package io.arauto.e2e;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The inbox takes a file only once it has stopped changing, and then every row of it. */
class FolderIntakeTest extends ArautoTestBase {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void fileStillBeingWrittenIsReadOnlyWhenComplete() throws Exception {
        Path dir = inbox().resolve("pedido_enviado");
        Files.createDirectories(dir);
        Path file = dir.resolve("devagar.csv");
        int rows = 40;
        // written in place, a row every 50 ms for 2 s: longer than stable-for (300 ms), never still for that long
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            out.write("telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < rows; i++) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                out.write(String.format("55119876%05d,Cliente %d,%d,hoje%n", 10000 + i, i, i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(file).as("taken while still being written (row %d)", i).exists();
            }
        }
        awaitTaken(file);
        Integer read = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(total_rows) from campaign where name = 'devagar.csv' and status <> 'READING'", Integer.class), n -> n != null);
        assertThat(read).isEqualTo(rows);
    }

    @Test
    void aRowTooLongForTheLedgerIsInvalidAndTheRestOfTheFileGoesThrough() throws Exception {
        String huge = "x".repeat(70_000);
        Path file = drop("pedido_enviado", "enorme.csv", ("telefone,nome,pedido,entrega\n5511987654001,Ana,1,hoje\n5511987654002," + huge
                + ",2,hoje\n").getBytes(StandardCharsets.UTF_8));
        awaitTaken(file);
        long campaign = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'enorme.csv' and status <> 'READING'", Long.class), id -> id != null);
        assertThat(jdbc.queryForObject("select status from campaign where id = ?", String.class, campaign)).isNotEqualTo("REJECTED");
        assertThat(jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = 3", String.class, campaign))
                .contains("characters long");
        assertThat(jdbc.queryForObject("select status from message where campaign_id = ? and row_num = 2", String.class, campaign))
                .isIn("QUEUED", "SENDING", "SENT");
    }
}
