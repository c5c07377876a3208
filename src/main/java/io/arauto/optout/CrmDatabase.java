package io.arauto.optout;

import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * The CRM database of {@code arauto.crm.datasource.*}, when one is configured. Kept out of the
 * application context as a DataSource so the ledger stays Spring Boot's one primary database.
 */
@Component
public class CrmDatabase implements DisposableBean {

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
        dataSource.setInitializationFailTimeout(-1); // a CRM down at start must not stop Arauto
        if (config.getUrl().startsWith("jdbc:h2:")) {
            // H2 would otherwise build the whole opt-out result in memory and keep it cached on the connection (~130 MB for 1M rows)
            dataSource.addDataSourceProperty("LAZY_QUERY_EXECUTION", "TRUE");
        }
        // outside auto-commit a PostgreSQL driver fetches a big result in chunks of the fetch size instead of all at once
        dataSource.setAutoCommit(false);
        jdbc = new JdbcTemplate(dataSource);
        jdbc.setFetchSize(10_000);
    }

    /** The pool itself, for tests that shorten its time-outs. */
    public Optional<DataSource> dataSource() {
        return Optional.ofNullable(dataSource);
    }

    public Optional<JdbcTemplate> jdbc() {
        return Optional.ofNullable(jdbc);
    }

    @Override
    public void destroy() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
