package io.arauto.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's embedded binaries) that can be stopped and started again on the
 * same data folder and port, as a database restarted by its administrator or a failover would be.
 * zonky runs initdb only when the folder holds no cluster yet, and stops with {@code pg_ctl stop -m fast}
 * (open connections are cut).
 */
public final class RestartablePostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres"; // zonky's initdb trusts local connections: any password does

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    public RestartablePostgres(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        try (ServerSocket probe = new ServerSocket(0)) {
            this.port = probe.getLocalPort();
        }
        start();
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("PostgreSQL is already running");
        }
        server = EmbeddedPostgres.builder()
                // zonky turns these off for speed; Arauto refuses a ledger that can lose acknowledged commits
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on")
                .setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
    }

    /** Stops the server (fast shutdown: connections are cut, the data stays). */
    public synchronized void stop() throws IOException {
        if (server != null) {
            EmbeddedPostgres running = server;
            server = null;
            running.close();
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Creates an empty database and returns its JDBC URL (with the user, as zonky writes them). */
    public synchronized String createDatabase(String name) throws SQLException {
        try (Connection admin = server.getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
            sql.execute("create database " + name);
        }
        return server.getJdbcUrl(USER, name);
    }

    /** The Spring properties that make this database Arauto's ledger. */
    public ArautoProcess.Options configure(ArautoProcess.Options options, String url) {
        return options.property("spring.datasource.url", url)
                .property("spring.datasource.username", USER)
                .property("spring.datasource.password", PASSWORD);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
