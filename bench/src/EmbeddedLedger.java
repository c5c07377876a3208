import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server for the benchmark's ledger (zonky's embedded binaries, the ones the tests
 * use), with the durability Arauto insists on: {@code fsync} and {@code synchronous_commit} on.
 * Starts a fresh server in {@code <dir>}, creates the database {@code arauto}, writes its JDBC URL
 * to {@code <url-file>} and the server's process id to {@code <dir>.pid}, and runs until it is stopped
 * (SIGTERM), then stops the server.
 *
 * <pre>java -cp "$TEST_CLASSPATH" bench/src/EmbeddedLedger.java /abs/bench/out/pg /abs/bench/out/pg.url &amp;</pre>
 */
public final class EmbeddedLedger {

    private EmbeddedLedger() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path urlFile = Path.of(args[1]);
        Files.deleteIfExists(urlFile);
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("Could not stop the embedded PostgreSQL: " + e);
            }
        }));
        try (Connection admin = server.getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
            sql.execute("create database arauto");
        }
        String pid = Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim();
        Files.writeString(Path.of(dir + ".pid"), pid + "\n", StandardCharsets.UTF_8);
        Files.writeString(urlFile, server.getJdbcUrl("postgres", "arauto") + "\n", StandardCharsets.UTF_8);
        System.err.println("embedded PostgreSQL (pid " + pid + ") at " + server.getJdbcUrl("postgres", "arauto"));
        Thread.currentThread().join(); // until SIGTERM: the shutdown hook stops the server
    }
}
