package io.arauto.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server per test JVM (zonky's embedded binaries, no Docker), started on first
 * use and stopped when the JVM exits. Each test class asks for its own empty database on it.
 */
public final class SharedPostgres {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres"; // the embedded server trusts local users; any password does

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private SharedPostgres() { }

    /** Creates an empty database named after {@code prefix} and returns its JDBC URL. */
    public static synchronized String newDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
        try (Connection admin = server().getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
            sql.execute("create database " + name); // a name built above from letters, digits and '_'
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + " on the embedded PostgreSQL", e);
        }
        return server().getJdbcUrl(USER, name);
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                // zonky turns synchronous_commit and fsync off for speed; Arauto refuses a ledger that can lose acknowledged commits
                server = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the server's own lock files go with its temp folder
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }
}
