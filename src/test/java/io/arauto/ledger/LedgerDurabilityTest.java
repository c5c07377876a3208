package io.arauto.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.support.SharedPostgres;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Arauto refuses a ledger that acknowledges commits before they are safe from a crash. */
class LedgerDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void anH2FileLedgerWithItsDefaultWriteDelayIsRefusedNamingTheFix() {
        JdbcDataSource h2 = h2("jdbc:h2:file:" + dir.resolve("default"));
        assertThatThrownBy(() -> new LedgerDurability(h2, new JdbcTemplate(h2)).check())
                .hasMessageContaining("WRITE_DELAY=500")
                .hasMessageContaining("Add ;WRITE_DELAY=0 to spring.datasource.url");
    }

    @Test
    void anH2FileLedgerThatWritesEveryCommitAtOnceIsAccepted() {
        JdbcDataSource h2 = h2("jdbc:h2:file:" + dir.resolve("durable") + ";WRITE_DELAY=0");
        assertThatCode(() -> new LedgerDurability(h2, new JdbcTemplate(h2)).check()).doesNotThrowAnyException();
    }

    @Test
    void anInMemoryH2LedgerHasNothingToLoseAndIsAccepted() {
        JdbcDataSource h2 = h2("jdbc:h2:mem:durability-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        assertThatCode(() -> new LedgerDurability(h2, new JdbcTemplate(h2)).check()).doesNotThrowAnyException();
    }

    @Test
    void aPostgresLedgerWithSynchronousCommitOffIsRefusedAndOnIsAccepted() throws Exception {
        PGSimpleDataSource on = postgres(SharedPostgres.newDatabase("durability_on"));
        assertThatCode(() -> new LedgerDurability(on, new JdbcTemplate(on)).check()).doesNotThrowAnyException();

        String url = SharedPostgres.newDatabase("durability_off");
        String database = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (Connection admin = on.getConnection(); Statement sql = admin.createStatement()) {
            sql.execute("alter database " + database + " set synchronous_commit = off");
        }
        PGSimpleDataSource off = postgres(url);
        assertThatThrownBy(() -> new LedgerDurability(off, new JdbcTemplate(off)).check())
                .hasMessageContaining("synchronous_commit = off")
                .hasMessageContaining("send a message twice");
    }

    private static JdbcDataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return h2;
    }

    private static PGSimpleDataSource postgres(String url) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(url);
        pg.setUser(SharedPostgres.USER);
        pg.setPassword(SharedPostgres.PASSWORD);
        return pg;
    }
}
