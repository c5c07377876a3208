package io.arauto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.requestsTo;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Host keys are checked: a server whose key changed, or is not in known_hosts at all, gets
 * nothing taken from it, and the log (once) and /actuator/health say why and what to do. Once
 * known_hosts has the right key, the waiting file is taken. Password login.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class SftpHostKeyTest {

    static final Path DATA_DIR = tempDir("arauto-sftp-hostkey-");
    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer().start();
    static final Path KNOWN_HOSTS = SFTP.writeWrongKnownHosts(DATA_DIR.resolve("known_hosts"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SftpTestSupport.properties(DATA_DIR, SFTP, KNOWN_HOSTS).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("arauto.intake.sftp.password", () -> EmbeddedSftpServer.PASSWORD);
    }

    @Autowired
    HealthEndpoint health;

    @Autowired
    JdbcTemplate ledger;

    @AfterAll
    static void stopServer() {
        SFTP.stop();
    }

    @Test
    void wrongOrUnknownHostKeyTakesNothingAndSaysSo(CapturedOutput log) throws Exception {
        SFTP.put("/inbox/pedido_enviado/chave.csv", csv("telefone,nome,pedido,entrega", "5511960000801,Joana,9001,hoje"));
        String server = EmbeddedSftpServer.HOST + ":" + SFTP.port();

        Health changed = awaitDown("host key has CHANGED");
        assertThat(changed.getDetails()).containsEntry("server", server);
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // several polls, all refused
        assertThat(SFTP.exists("/inbox/pedido_enviado/chave.csv")).isTrue();
        assertThat(SFTP.filesUnder("/inbox")).containsExactly("/inbox/pedido_enviado/chave.csv");
        assertThat(ledger.queryForObject("select count(*) from campaign", Integer.class)).isZero();
        assertThat(log.getAll().split(Pattern.quote("SFTP " + server + " refused: its host key has CHANGED"), -1)).hasSize(2);

        Files.writeString(KNOWN_HOSTS, "");
        Health unknown = awaitDown("host key not in known_hosts");
        assertThat(String.valueOf(unknown.getDetails().get("intake")))
                .contains("ssh-keyscan -p " + SFTP.port() + " " + EmbeddedSftpServer.HOST + " >> " + KNOWN_HOSTS);
        assertThat(SFTP.exists("/inbox/pedido_enviado/chave.csv")).isTrue();

        SFTP.writeKnownHosts(KNOWN_HOSTS);
        awaitArchived(SFTP, "pedido_enviado", "chave", ".csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsTo("5511960000801").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sftpHealth().getStatus().equals(Status.UP));
        assertThat(log.getAll()).doesNotContain(EmbeddedSftpServer.PASSWORD);
    }

    private Health awaitDown(String reason) {
        return await().atMost(Duration.ofSeconds(20)).until(this::sftpHealth,
                h -> h.getStatus().equals(Status.DOWN) && String.valueOf(h.getDetails().get("intake")).contains(reason));
    }

    private Health sftpHealth() {
        return (Health) health.healthForPath("sftp");
    }
}
