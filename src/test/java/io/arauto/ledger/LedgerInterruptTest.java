package io.arauto.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread interrupted while it writes the H2 ledger (Spring Integration stops its leader thread that way, and a stop
 * interrupts pools) must not close the ledger for every other thread: the configured URL's {@code retry:} file system
 * opens the file again. Without it, H2's file channel is closed by the interrupt and the database with it.
 */
class LedgerInterruptTest {

    @TempDir
    Path dir;

    @Test
    void theConfiguredH2LedgerOutlivesAWriterInterruptedMidWrite() throws Exception {
        try (Connection c = DriverManager.getConnection(configuredUrl()); Statement ddl = c.createStatement()) {
            ddl.execute("create table t (id bigint primary key, v varchar(10))");
            AtomicInteger writes = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !done.get(); i++) {
                    try (Statement sql = c.createStatement()) {
                        sql.execute("merge into t key (id) values (" + (i % 1000) + ", 'x')");
                        writes.incrementAndGet();
                    } catch (SQLException e) {
                        Thread.interrupted(); // an interrupted statement may fail: what matters is the database afterwards
                    }
                }
            });
            writer.start();
            org.awaitility.Awaitility.await().until(() -> writes.get() > 200);
            for (int k = 0; k < 100; k++) { // one interrupt at a time, as a stop does, some of them while a commit writes the file
                writer.interrupt();
                Thread.sleep(3);
            }
            done.set(true);
            writer.join(30_000);

            try (Statement sql = c.createStatement(); ResultSet r = sql.executeQuery("select count(*) from t")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getLong(1)).isPositive();
            }
            try (Statement sql = c.createStatement()) {
                assertThat(sql.executeUpdate("merge into t key (id) values (1, 'y')")).as("still written").isEqualTo(1);
            }
        }
    }

    /** The ledger's URL as config/application.yml has it, in a folder of the test's own. */
    private String configuredUrl() throws Exception {
        String url = Files.readAllLines(Path.of("config/application.yml")).stream().map(String::strip)
                .filter(l -> l.startsWith("url: jdbc:h2:")).findFirst().orElseThrow().substring("url: ".length());
        return url.replace("${arauto.data-dir}", dir.toAbsolutePath().toString());
    }
}
