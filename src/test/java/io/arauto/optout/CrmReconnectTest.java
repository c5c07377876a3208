package io.arauto.optout;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.arauto.config.ArautoProperties;
import io.arauto.verdict.PhoneNormalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A CRM database on its own server (H2 over TCP) that goes away and comes back while the list is read again and again
 * (crm-refresh 0: every use reads it, as a sender's rounds do every few hundred milliseconds).
 */
class CrmReconnectTest {

    final String db = "mem:crm-" + UUID.randomUUID();
    final int port = freePort();
    final ArautoProperties properties = new ArautoProperties();
    Connection crm;
    Connection ledgerConnection;
    Server server;
    CrmDatabase crmDatabase;
    OptOutList list;

    @BeforeEach
    void crm() throws SQLException {
        crm = DriverManager.getConnection("jdbc:h2:" + db + ";DB_CLOSE_DELAY=-1", "sa", "");
        crm.createStatement().execute("create table clientes_optout (telefone varchar(40))");
        crm.createStatement().execute("insert into clientes_optout values ('+55 (11) 97100-0001')");
        server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-tcpDaemon").start();
        properties.getCrm().getDatasource().setUrl("jdbc:h2:tcp://127.0.0.1:" + port + "/" + db);
        properties.getCrm().getDatasource().setUsername("sa");
        properties.getOptout().setQuery("select telefone from clientes_optout");
        properties.getOptout().setCrmRefresh(Duration.ZERO);
        ledgerConnection = DriverManager.getConnection("jdbc:h2:mem:ledger-" + UUID.randomUUID(), "sa", "");
        JdbcTemplate ledger = new JdbcTemplate(new SingleConnectionDataSource(ledgerConnection, true));
        ledger.execute("create table opt_out (phone_e164 varchar(20))");
        crmDatabase = new CrmDatabase(properties);
        list = new OptOutList(ledger, null, null, null, crmDatabase, new PhoneNormalizer(properties), properties, null, Clock.systemUTC());
    }

    @AfterEach
    void close() throws SQLException {
        crmDatabase.destroy();
        server.stop();
        crm.close();
        ledgerConnection.close();
    }

    @Test
    void aCrmServerThatComesBackIsReadAgainAtOnce() throws SQLException {
        assertThat(list.snapshot().crm()).hasSize(1);
        server.stop();
        assertThatThrownBy(() -> list.snapshot()).isInstanceOf(CrmUnavailableException.class);
        server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-tcpDaemon").start();
        for (int i = 0; i < 5; i++) {
            assertThat(list.snapshot().crm()).as("read %d after the server came back", i + 1).hasSize(1);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
