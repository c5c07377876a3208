package io.arauto.read;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * The rows of an SQL query, read like a spreadsheet: the column labels are the header (the first column
 * the phone, the others variables by label), each result row a data row numbered as if it were under that
 * header (the first is row 2). Streamed: the result is fetched a thousand rows at a time while the
 * connection stays open, until {@link #close()}. A value is its text as the database gives it; null is
 * an empty cell, and a row of nulls is skipped like a blank line. A failure while reading is an {@link UnreadableFileException} naming {@code what}.
 */
public final class QueryRowSource extends PrefetchingRowSource {

    private static final int FETCH_SIZE = 1_000;

    private final String what;
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet result;
    private final int columns;
    private int rowNumber = 1;

    private QueryRowSource(String what, Connection connection, PreparedStatement statement, ResultSet result) throws SQLException {
        this.what = what;
        this.connection = connection;
        this.statement = statement;
        this.result = result;
        this.columns = result.getMetaData().getColumnCount();
    }

    /**
     * Runs {@code sql} on {@code database}. {@code what} names the query in messages (the property that holds it).
     */
    public static RowSource open(DataSource database, String sql, String what) throws UnreadableFileException {
        Connection connection = null;
        PreparedStatement statement = null;
        try {
            connection = database.getConnection();
            statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(FETCH_SIZE);
            ResultSet result = statement.executeQuery();
            QueryRowSource rows = new QueryRowSource(what, connection, statement, result);
            rows.header(result.getMetaData());
            return rows;
        } catch (SQLException e) {
            closeQuietly(statement, connection);
            throw new UnreadableFileException(what + " could not be run on the CRM database: " + e.getMessage(), e);
        }
    }

    /** The header is the column labels, not a row of the result. */
    private void header(ResultSetMetaData meta) throws SQLException {
        List<String> labels = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
            labels.add(meta.getColumnLabel(i));
        }
        setHeader(labels);
    }

    @Override
    protected Row fetch() {
        try {
            while (result.next()) {
                rowNumber++;
                String[] cells = new String[columns];
                for (int i = 1; i <= columns; i++) {
                    String value = result.getString(i);
                    cells[i - 1] = value == null ? "" : value;
                }
                if (!isBlank(cells)) { // like a blank line of a spreadsheet: counted, not a row
                    return new Row(rowNumber, List.of(cells));
                }
            }
            return null;
        } catch (SQLException e) {
            throw new UncheckedIOException(new UnreadableFileException(what + " failed on the CRM database after row "
                    + rowNumber + ": " + e.getMessage(), e));
        }
    }

    @Override
    public void close() {
        try {
            result.close();
        } catch (SQLException e) {
            // the connection's close below releases it anyway
        }
        closeQuietly(statement, connection);
    }

    private static void closeQuietly(PreparedStatement statement, Connection connection) {
        try {
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException e) {
            // the connection's close below releases it anyway
        }
        if (connection == null) {
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // read only: nothing to keep, and the pool gets the connection back clean
            }
        } catch (SQLException e) {
            // closing below is what matters
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // a connection that cannot be closed is the pool's to drop
        }
    }
}
