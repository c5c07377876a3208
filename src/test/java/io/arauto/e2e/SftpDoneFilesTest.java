package io.arauto.e2e;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.arauto.ArautoApplication;
import io.arauto.support.EmbeddedSftpServer;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.UsesTestTemplates;

import static io.arauto.e2e.SftpTestSupport.awaitArchived;
import static io.arauto.e2e.SftpTestSupport.csv;
import static io.arauto.e2e.SftpTestSupport.tempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With done-files on, a file on the SFTP server waits for its &lt;file&gt;.done, which goes with it. The server starts a
 * session in /home/arauto, and the directory is the default, {@code inbox}: under the login folder.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@UsesTestTemplates
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SftpDoneFilesTest {

    static final Path DATA_DIR = tempDir("arauto-sftp-done-");
    static final EmbeddedSftpServer SFTP = new EmbeddedSftpServer().loginFolder("/home/arauto").start();
    static final String INBOX = "/home/arauto/inbox";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SftpTestSupport.properties(DATA_DIR, SFTP, SFTP.writeKnownHosts(DATA_DIR.resolve("known_hosts")))
                .forEach((key, value) -> registry.add(key, () -> value));
        registry.add("arauto.intake.sftp.password", () -> EmbeddedSftpServer.PASSWORD);
        registry.add("arauto.intake.done-files", () -> "true");
        registry.add("arauto.intake.sftp.stable-for", () -> "0s"); // the .done says the file is complete
    }

    @AfterAll
    static void stopServer() {
        SFTP.stop();
    }

    @Test
    void aFileWaitsForItsDoneFile() {
        SFTP.put(INBOX + "/pedido_enviado/espera.csv", csv("telefone,nome,pedido,entrega", "5511960000901,Lia,1,hoje"));
        SFTP.put(INBOX + "/pedido_enviado/pronta.csv", csv("telefone,nome,pedido,entrega", "5511960000902,Mel,2,hoje"));
        SFTP.put(INBOX + "/pedido_enviado/pronta.csv.done", new byte[0]);
        awaitArchived(SFTP, INBOX, "pedido_enviado", "pronta", ".csv");
        assertThat(SFTP.exists(INBOX + "/pedido_enviado/espera.csv")).isTrue();

        SFTP.put(INBOX + "/pedido_enviado/espera.csv.done", new byte[0]);
        awaitArchived(SFTP, INBOX, "pedido_enviado", "espera", ".csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> SFTP.filesUnder(INBOX + "/pedido_enviado").isEmpty()); // .done files too
    }
}
