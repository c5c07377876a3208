package io.arauto.optout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * The CRM database of {@code arauto.crm.datasource.*}, when one is configured. Kept out of the
 * application context as a DataSource so the ledger stays Spring Boot's one primary database.
 */
@Component
public class CrmDatabase implements DisposableBean {

    static final String URL = "arauto.crm.datasource.url";

    private final HikariDataSource dataSource;
    private final JdbcTemplate jdbc;

    public CrmDatabase(ArautoProperties properties) {
        ArautoProperties.Datasource config = properties.getCrm().getDatasource();
        if (config.getUrl() == null || config.getUrl().isBlank()) {
            dataSource = null;
            jdbc = null;
            return;
        }
        dataSource = new HikariDataSource();
        dataSource.setPoolName("crm");
        dataSource.setJdbcUrl(config.getUrl());
        dataSource.setUsername(config.getUsername());
        dataSource.setPassword(config.getPassword());
        dataSource.setMaximumPoolSize(4);
        dataSource.setReadOnly(true);
        // the pool itself does not stop Arauto at start: whoever needs the CRM says so (requireReachable), naming its property
        dataSource.setInitializationFailTimeout(-1);
        dataSource.setConnectionTimeout(5000); // ms: a CRM that is away is noticed (health DOWN, files refused) within seconds
        dataSource.setExceptionOverride(new DeadConnectionsLeave(dataSource));
        if (config.getUrl().startsWith("jdbc:h2:")) {
            // H2 would otherwise build the whole opt-out result in memory and keep it cached on the connection (~130 MB for 1M rows)
            dataSource.addDataSourceProperty("LAZY_QUERY_EXECUTION", "TRUE");
        }
        // outside auto-commit a PostgreSQL driver fetches a big result in chunks of the fetch size instead of all at once
        dataSource.setAutoCommit(false);
        jdbc = new JdbcTemplate(dataSource);
        jdbc.setFetchSize(10_000);
    }

    /**
     * Refuses to start unless the CRM database can be reached: {@code neededBy} (e.g. {@code arauto.optout.query}) needs it.
     * The message names the property to fix and what is wrong with it.
     */
    public void requireReachable(String neededBy) {
        if (dataSource == null) {
            throw new InvalidConfigurationPropertyValueException(URL, "", neededBy + " is set, so Arauto needs the CRM database, "
                    + "but " + URL + " is not: set it (with .username and .password) to the CRM's JDBC URL, or leave " + neededBy + " out");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.isValid(5);
        } catch (SQLException e) {
            throw new InvalidConfigurationPropertyValueException(URL, displayUrl(), "the CRM database cannot be reached ("
                    + e.getMessage() + "), and " + neededBy + " needs it; check the URL, " + "arauto.crm.datasource.username and "
                    + ".password, and that the database is up and lets this machine in");
        }
    }

    /** The URL without what follows a '?' or ';' (where a driver may take a password), as health and errors show it. */
    public String displayUrl() {
        return dataSource == null ? "" : dataSource.getJdbcUrl().replaceFirst("[?;].*$", "");
    }

    /** Whether a CRM database is configured at all. */
    public boolean configured() {
        return dataSource != null;
    }

    /** The pool itself, for tests that shorten its time-outs. */
    public Optional<DataSource> dataSource() {
        return Optional.ofNullable(dataSource);
    }

    public Optional<JdbcTemplate> jdbc() {
        return Optional.ofNullable(jdbc);
    }

    /**
     * When the driver says a connection is dead (JDBC's SQLNonTransientConnectionException), every connection of the pool
     * is replaced: they all went to the same server. The pool knows dead connections only by SQLState 08, which H2 does
     * not use: after a CRM server restarted, its old connections ("Database is already closed", "session closed") stayed
     * in the pool, and a sender asking every few hundred milliseconds (always within the pool's half second without a
     * liveness check) got one of them round after round, long after the CRM was back.
     */
    static final class DeadConnectionsLeave implements SQLExceptionOverride {
        private final HikariDataSource pool;

        DeadConnectionsLeave(HikariDataSource pool) {
            this.pool = pool;
        }

        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            if (!(e instanceof SQLNonTransientConnectionException)) {
                return SQLExceptionOverride.Override.CONTINUE_EVICT;
            }
            var connections = pool.getHikariPoolMXBean();
            if (connections != null) {
                connections.softEvictConnections(); // idle ones close now, those in use when they come back
            }
            return SQLExceptionOverride.Override.MUST_EVICT;
        }
    }

    @Override
    public void destroy() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
