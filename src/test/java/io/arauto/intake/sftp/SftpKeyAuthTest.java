package io.arauto.intake.sftp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.arauto.support.EmbeddedSftpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SFTP client Arauto uses (Camel's sftp component, JSch) logs in with OpenSSH ed25519 and RSA keys, host key checked. */
class SftpKeyAuthTest {

    static EmbeddedSftpServer server;
    static CamelContext camel;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedSftpServer().start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() {
        camel.stop();
        server.stop();
    }

    @Test
    void ed25519() {
        KeyPair key = EmbeddedSftpServer.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        server.authorize(key.getPublic());
        upload("privateKeyFile=" + EmbeddedSftpServer.writeOpenSshPrivateKey(key, dir.resolve("id_ed25519"), null), "ed.txt");
        assertThat(new String(server.read("/up/ed.txt"), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void ed25519WithPassphrase() {
        KeyPair key = EmbeddedSftpServer.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        server.authorize(key.getPublic());
        upload("privateKeyFile=" + EmbeddedSftpServer.writeOpenSshPrivateKey(key, dir.resolve("id_ed25519_p"), "frase")
                + "&privateKeyPassphrase=frase", "edp.txt");
        assertThat(server.exists("/up/edp.txt")).isTrue();
    }

    @Test
    void rsa() {
        KeyPair key = EmbeddedSftpServer.generateKeyPair(KeyPairProvider.SSH_RSA, 3072);
        server.authorize(key.getPublic());
        upload("privateKeyFile=" + EmbeddedSftpServer.writeOpenSshPrivateKey(key, dir.resolve("id_rsa"), null), "rsa.txt");
        assertThat(server.exists("/up/rsa.txt")).isTrue();
    }

    @Test
    void unknownHostKeyIsRefused() {
        Path empty = dir.resolve("empty_known_hosts");
        assertThatThrownBy(() -> upload("password=" + EmbeddedSftpServer.PASSWORD, "x.txt", empty))
                .rootCause().hasMessageContaining("reject HostKey");
    }

    @Test
    void changedHostKeyIsRefused() {
        Path wrong = server.writeWrongKnownHosts(dir.resolve("wrong_known_hosts"));
        assertThatThrownBy(() -> upload("password=" + EmbeddedSftpServer.PASSWORD, "y.txt", wrong))
                .rootCause().hasMessageContaining("HostKey has been changed");
    }

    private void upload(String auth, String name) {
        upload(auth, name, server.writeKnownHosts(dir.resolve("known_hosts")));
    }

    private void upload(String auth, String name, Path knownHosts) {
        try {
            if (!Files.exists(knownHosts)) {
                Files.writeString(knownHosts, "");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBodyAndHeader("sftp://" + EmbeddedSftpServer.USER + "@" + EmbeddedSftpServer.HOST + ":" + server.port()
                + "/up?" + auth + "&knownHostsFile=" + knownHosts + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                + "&maximumReconnectAttempts=0", "hello", "CamelFileName", name);
    }
}
