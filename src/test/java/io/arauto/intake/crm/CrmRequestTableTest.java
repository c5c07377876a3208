package io.arauto.intake.crm;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trigger table's checks at start: each refusal names the property and says what is wrong; the optional columns are found. */
class CrmRequestTableTest {

    private final String url = "jdbc:h2:mem:crm-table-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private CrmRequestTable table;

    @AfterEach
    void close() {
        if (table != null) {
            table.destroy();
        }
    }

    private CrmRequestTable start(String tableName, String crmUrl) {
        ArautoProperties properties = new ArautoProperties();
        properties.getCrm().getDatasource().setUrl(crmUrl);
        properties.getCrm().getDatasource().setUsername("sa");
        properties.getCrm().getDatasource().setPassword("");
        properties.getCrm().getRequests().setTable(tableName);
        table = new CrmRequestTable(properties);
        DefaultCamelContext camel = new DefaultCamelContext();
        table.beforeApplicationStart(camel);
        return table;
    }

    private void crm(String ddl) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement sql = c.createStatement()) {
            sql.execute(ddl);
        }
    }

    @Test
    void noTableSetReadsNothing() {
        assertThat(start(null, url).enabled()).isFalse();
    }

    @Test
    void aTableWithoutACrmDatabaseIsRefused() {
        assertThatThrownBy(() -> start("arauto_requests", null)).hasMessage("arauto.crm.requests.table is set (arauto_requests) "
                + "but arauto.crm.datasource.url is not: Arauto needs the CRM database to read the trigger table from.");
    }

    @Test
    void aNameThatIsNotATableNameIsRefused() {
        assertThatThrownBy(() -> start("requests; drop table x", url)).hasMessageStartingWith(
                "arauto.crm.requests.table 'requests; drop table x' is not a table name");
    }

    @Test
    void aMissingTableIsRefused() {
        assertThatThrownBy(() -> start("arauto_requests", url)).hasMessageStartingWith(
                "arauto.crm.requests.table names arauto_requests, which the CRM database does not have");
    }

    @Test
    void aTableLackingAColumnIsRefusedNamingIt() throws SQLException {
        crm("create table arauto_requests (id bigint primary key, phone varchar(40), template varchar(100), created_at timestamp)");
        assertThatThrownBy(() -> start("arauto_requests", url)).hasMessageStartingWith(
                "arauto.crm.requests.table arauto_requests lacks the column(s) variables, taken_at (it has id, phone, template, created_at)");
    }

    @Test
    void theOptionalColumnsAreFoundWhicheverCaseTheNameIsWrittenIn() throws SQLException {
        crm("create schema crm");
        crm("create table crm.arauto_requests (id varchar(36) primary key, phone varchar(40), template varchar(100), "
                + "variables varchar(1000), created_at timestamp, taken_at timestamp, reason varchar(200))");
        assertThat(start("CRM.Arauto_Requests", url).writtenBackColumns()).containsExactly("reason");
    }

    @Test
    void aTableWithNoStatusColumnsIsTakenButNothingIsWrittenBack() throws SQLException {
        crm("create table arauto_requests (id bigint primary key, phone varchar(40), template varchar(100), "
                + "variables varchar(1000), created_at timestamp, taken_at timestamp)");
        assertThat(start("arauto_requests", url).writtenBackColumns()).isEmpty();
    }
}
