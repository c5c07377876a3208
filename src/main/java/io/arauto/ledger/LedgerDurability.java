package io.arauto.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Refuses to start on a ledger that acknowledges a commit before it is safe. A message may leave
 * only once its SENDING mark is committed; a database that loses acknowledged commits when a
 * process dies would, after a crash and a restart, show that message QUEUED and send it again.
 * Checked once at start, before any route runs:
 * <ul>
 * <li>H2 file ledger: {@code WRITE_DELAY} must be 0 (H2's default, 500 ms, keeps commits in memory
 * that long, and they die with the process);</li>
 * <li>PostgreSQL: {@code synchronous_commit} and {@code fsync} must not be {@code off}.</li>
 * </ul>
 */
@Component
public class LedgerDurability {

    private static final Logger log = LoggerFactory.getLogger(LedgerDurability.class);

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;

    public LedgerDurability(DataSource dataSource, JdbcTemplate jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    @PostConstruct
    void check() {
        String product;
        String url;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            url = c.getMetaData().getURL();
        } catch (SQLException e) {
            throw new IllegalStateException("The ledger database cannot be reached: " + LedgerHealthIndicator.describe(e), e);
        }
        String problem = product.contains("h2") ? h2(url) : product.contains("postgres") ? postgres() : null;
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        if (!product.contains("h2") && !product.contains("postgres")) {
            log.warn("The ledger runs on {}, which Arauto does not know: make sure a commit is on disk when it returns, "
                    + "or a crash can make Arauto send a message twice", product);
        }
    }

    private String h2(String url) {
        if (url.startsWith("jdbc:h2:mem:")) {
            return null; // nothing of it outlives the process anyway
        }
        // H2 lists the setting twice (the database's and the session's view); both must say 0
        String delay = jdbc.queryForList("select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'", String.class)
                .stream().filter(value -> !"0".equals(value)).findFirst().orElse(null);
        if (delay != null) {
            return "The H2 ledger holds a commit in memory for up to " + delay + " ms before writing it to its file (WRITE_DELAY="
                    + delay + "), so a crash could make Arauto send a message twice. Add ;WRITE_DELAY=0 to spring.datasource.url.";
        }
        return null;
    }

    private String postgres() {
        String synchronous = jdbc.queryForObject("show synchronous_commit", String.class);
        if ("off".equalsIgnoreCase(synchronous)) {
            return "The PostgreSQL ledger has synchronous_commit = off: it acknowledges commits before they are on disk, so a crash "
                    + "of the database server could make Arauto send a message twice. Set synchronous_commit to on for Arauto's user "
                    + "(ALTER ROLE ... SET synchronous_commit = on) or the database.";
        }
        String fsync = jdbc.queryForObject("show fsync", String.class);
        if ("off".equalsIgnoreCase(fsync)) {
            return "The PostgreSQL ledger runs with fsync = off: a crash of its machine can lose acknowledged commits, so Arauto "
                    + "could send a message twice. Turn fsync on in postgresql.conf.";
        }
        return null;
    }
}
