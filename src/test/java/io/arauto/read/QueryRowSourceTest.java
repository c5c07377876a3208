package io.arauto.read;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A query's result read like a spreadsheet: labels as the header, rows numbered under it, nulls empty, blank rows skipped. */
class QueryRowSourceTest {

    private final JdbcDataSource crm = new JdbcDataSource();

    QueryRowSourceTest() throws SQLException {
        crm.setURL("jdbc:h2:mem:query-rows-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = crm.getConnection()) {
            c.createStatement().execute("create table clientes (id int, celular varchar(20), nome varchar(20), valor decimal(10,2))");
            c.createStatement().execute("insert into clientes values (1, '5511987650001', 'Ana', 10.50), (2, null, null, null), "
                    + "(3, '5511987650003', null, 7)");
        }
    }

    @Test
    void theLabelsAreTheHeaderAndTheRowsAreNumberedUnderIt() throws Exception {
        List<Row> rows = new ArrayList<>();
        List<String> header;
        try (RowSource source = QueryRowSource.open(crm, "select celular, nome as \"Nome\", valor from clientes order by id", "q")) {
            header = source.header();
            source.forEachRemaining(rows::add);
        }

        assertThat(header).containsExactly("CELULAR", "Nome", "VALOR");
        assertThat(rows).containsExactly(new Row(2, List.of("5511987650001", "Ana", "10.50")),
                new Row(4, List.of("5511987650003", "", "7.00"))); // row 3, all nulls, is a blank line: counted, skipped
    }

    @Test
    void aQueryTheDatabaseRefusesIsUnreadableNamingTheQuery() {
        assertThatThrownBy(() -> QueryRowSource.open(crm, "select nada from lugar_nenhum", "The audience query (arauto.schedules.x.audience-query)"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("The audience query (arauto.schedules.x.audience-query) could not be run on the CRM database: ")
                .hasMessageContaining("LUGAR_NENHUM");
    }
}
