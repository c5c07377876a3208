package io.arauto.intake.crm;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CrmRequestLedger;

/**
 * The CRM trigger table of {@code arauto.crm.requests.table}, the one place Arauto writes to the CRM:
 * checked at start (its columns, from the database's own description of it), read by the route
 * crm-requests through the {@code {{crm-requests.*}}} placeholders and the {@code crmRequestsDataSource}
 * pool set here, marked taken row by row, and its optional {@code status}, {@code reason} and
 * {@code message_id} columns kept up to date. Its pool is its own (auto-commit, writable); the CRM's
 * opt-out pool stays read-only.
 */
@Component
public class CrmRequestTable implements CamelContextConfiguration, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CrmRequestTable.class);
    /** A table or schema.table name as SQL takes it unquoted: it is written into the statements, so nothing else is. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    static final List<String> REQUIRED = List.of("id", "phone", "template", "variables", "created_at", "taken_at");
    static final List<String> WRITTEN_BACK = List.of("status", "reason", "message_id");
    /** Rows read per round at most: the next round reads on. */
    static final int ROWS_PER_ROUND = 100;

    private final ArautoProperties properties;
    private final String table;
    private HikariDataSource pool;
    private JdbcTemplate jdbc;
    /** The optional columns the table has, with their length (0 when it has none). */
    private final Map<String, Integer> writtenBack = new LinkedHashMap<>();
    private boolean numericId;
    private volatile String trouble;

    public CrmRequestTable(ArautoProperties properties) {
        this.properties = properties;
        String configured = properties.getCrm().getRequests().getTable();
        this.table = configured == null || configured.isBlank() ? null : configured.strip();
    }

    public boolean enabled() {
        return table != null;
    }

    /** The table's name as configured: the requests' key in the ledger. */
    public String name() {
        return table;
    }

    /** The optional columns the table has, of status, reason and message_id. */
    public List<String> writtenBackColumns() {
        return List.copyOf(writtenBack.keySet());
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        PropertiesComponent placeholders = camel.getPropertiesComponent();
        placeholders.addInitialProperty("crm-requests.enabled", String.valueOf(enabled()));
        placeholders.addInitialProperty("crm-requests.write-back", "false");
        if (!enabled()) {
            return;
        }
        open();
        camel.getRegistry().bind("crmRequestsDataSource", DataSource.class, pool);
        placeholders.addInitialProperty("crm-requests.select", "select id, phone, template, variables, created_at from " + table
                + " where taken_at is null order by id fetch first " + ROWS_PER_ROUND + " rows only");
        placeholders.addInitialProperty("crm-requests.poll-delay", String.valueOf(properties.getCrm().getRequests().getPollDelay().toMillis()));
        placeholders.addInitialProperty("crm-requests.write-back", String.valueOf(!writtenBack.isEmpty()));
        log.info("CRM trigger table {}: new rows are read every {} ms{}", table, properties.getCrm().getRequests().getPollDelay().toMillis(),
                writtenBack.isEmpty() ? "; it has no status, reason or message_id column, so statuses show in the status files only"
                        : "; Arauto keeps its " + String.join(", ", writtenBack.keySet()) + " up to date");
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    /** Checks the settings and the table's columns; fails the start with what is wrong, naming the property. */
    private void open() {
        ArautoProperties.Datasource config = properties.getCrm().getDatasource();
        if (config.getUrl() == null || config.getUrl().isBlank()) {
            throw new IllegalStateException("arauto.crm.requests.table is set (" + table + ") but arauto.crm.datasource.url is not: "
                    + "Arauto needs the CRM database to read the trigger table from.");
        }
        if (!NAME.matcher(table).matches()) {
            throw new IllegalStateException("arauto.crm.requests.table '" + table + "' is not a table name (letters, digits and _, "
                    + "optionally schema.table).");
        }
        pool = new HikariDataSource();
        pool.setPoolName("crm-requests");
        pool.setJdbcUrl(config.getUrl());
        pool.setUsername(config.getUsername());
        pool.setPassword(config.getPassword());
        pool.setMaximumPoolSize(3); // the consumer's open read, the taken mark, the statuses written back
        pool.setAutoCommit(true); // each mark is committed on its own, as it is made
        pool.setInitializationFailTimeout(-1);
        pool.setConnectionTimeout(5_000); // a CRM that is away fails the round within this, and the next round tries again
        jdbc = new JdbcTemplate(pool);
        Map<String, Column> columns;
        try (Connection connection = pool.getConnection()) {
            columns = columns(connection.getMetaData());
        } catch (SQLException e) {
            throw new IllegalStateException("arauto.crm.requests.table is set (" + table + ") but the CRM database at "
                    + "arauto.crm.datasource.url could not be read: " + CrmTableUnavailableException.what(e) + ".", e);
        }
        if (columns.isEmpty()) {
            throw new IllegalStateException("arauto.crm.requests.table names " + table + ", which the CRM database does not have "
                    + "(or Arauto's login cannot see). Create it as the README shows (\"CRM trigger table\").");
        }
        List<String> missing = REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("arauto.crm.requests.table " + table + " lacks the column(s) " + String.join(", ", missing)
                    + " (it has " + String.join(", ", columns.keySet()) + "). Create it as the README shows (\"CRM trigger table\").");
        }
        for (String name : WRITTEN_BACK) {
            Column column = columns.get(name);
            if (column != null) {
                writtenBack.put(name, column.text() ? column.size() : 0);
            }
        }
        numericId = columns.get("id").numeric();
    }

    private record Column(int type, int size) {
        boolean numeric() {
            return type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT || type == Types.NUMERIC
                    || type == Types.DECIMAL || type == Types.TINYINT;
        }

        boolean text() {
            return type == Types.VARCHAR || type == Types.CHAR || type == Types.NVARCHAR || type == Types.NCHAR;
        }
    }

    /** The table's columns by lower-case name; the name is looked up as written, then as the database folds it. */
    private Map<String, Column> columns(DatabaseMetaData meta) throws SQLException {
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : null;
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        for (boolean upper : new boolean[] {meta.storesUpperCaseIdentifiers(), !meta.storesUpperCaseIdentifiers()}) {
            Map<String, Column> columns = new LinkedHashMap<>();
            try (ResultSet rs = meta.getColumns(null, schema == null ? null : fold(schema, upper), fold(name, upper), null)) {
                while (rs.next()) {
                    columns.putIfAbsent(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                            new Column(rs.getInt("DATA_TYPE"), rs.getInt("COLUMN_SIZE")));
                }
            }
            if (!columns.isEmpty()) {
                return columns;
            }
        }
        return Map.of();
    }

    private static String fold(String name, boolean upper) {
        return upper ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
    }

    /**
     * Marks the row taken unless it already is; 1 when this call took it, 0 when another taker did. Called once the
     * row's message is in the ledger, so a crash in between leaves the row to be read again, and the ledger keeps it
     * one message ({@link CrmRequestLedger#record}).
     */
    public int markTaken(Object id) {
        try {
            int taken = jdbc.update("update " + table + " set taken_at = current_timestamp where id = ? and taken_at is null", id);
            up();
            return taken;
        } catch (DataAccessException e) {
            throw new CrmTableUnavailableException(table, e);
        }
    }

    /** Writes each report to its row's status, reason and message_id (those the table has), in one batch. */
    public void writeBack(List<CrmRequestLedger.Report> reports) {
        if (reports.isEmpty() || writtenBack.isEmpty()) {
            return;
        }
        List<String> sets = new ArrayList<>();
        writtenBack.keySet().forEach(column -> sets.add(column + " = ?"));
        String sql = "update " + table + " set " + String.join(", ", sets) + " where id = ?";
        try {
            jdbc.batchUpdate(sql, reports, reports.size(), (ps, report) -> {
                int i = 1;
                for (Map.Entry<String, Integer> column : writtenBack.entrySet()) {
                    String value = switch (column.getKey()) {
                        case "status" -> report.status();
                        case "reason" -> report.reason();
                        default -> report.messageId();
                    };
                    ps.setString(i++, fit(value, column.getValue()));
                }
                if (numericId) {
                    ps.setLong(i, Long.parseLong(report.requestId()));
                } else {
                    ps.setString(i, report.requestId());
                }
            });
            up();
        } catch (DataAccessException e) {
            throw new CrmTableUnavailableException(table, e);
        }
    }

    /** Cut to the column's length, so a long reason never fails the whole batch. */
    private static String fit(String value, int size) {
        return value == null || size <= 0 || value.length() <= size ? value : value.substring(0, Math.max(0, size - 1)) + "…";
    }

    /** The table could not be read or written: said once, until it can be again. */
    public void failed(Throwable cause) {
        String what = cause instanceof CrmTableUnavailableException || cause instanceof io.arauto.optout.CrmUnavailableException
                ? cause.getMessage() : new CrmTableUnavailableException(table, cause).getMessage();
        if (!what.equals(trouble)) {
            trouble = what;
            log.warn("{}; its rows wait and are taken once it can be read again", what);
        }
    }

    private void up() {
        if (trouble != null) {
            trouble = null;
            log.info("The CRM trigger table {} can be read and written again", table);
        }
    }

    @Override
    public void destroy() {
        if (pool != null) {
            pool.close();
        }
    }
}
