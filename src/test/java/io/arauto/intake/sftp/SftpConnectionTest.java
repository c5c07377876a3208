package io.arauto.intake.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

/** Every sftp endpoint the routes name gets the one connection, whatever its own options, and no secret lands in its URI. */
class SftpConnectionTest {

    @Test
    void consumerAndProducerEndpointsGetTheSameConnection() throws Exception {
        ArautoProperties.Sftp sftp = new ArautoProperties.Sftp();
        sftp.setHost("sftp.example");
        sftp.setUsername("arauto");
        sftp.setPassword("p@ss&word)}");
        sftp.setKnownHostsFile(Path.of("/etc/arauto/known_hosts"));
        sftp.setConnectTimeout(Duration.ofSeconds(7));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            new SftpConnection(sftp).beforeApplicationStart(camel);
            SftpEndpoint consumer = camel.getEndpoint("sftp://sftp.example:22/inbox?recursive=true&autoCreate=false", SftpEndpoint.class);
            SftpEndpoint producer = camel.getEndpoint("sftp://sftp.example:22/inbox?fileExist=Override", SftpEndpoint.class);
            for (SftpEndpoint endpoint : new SftpEndpoint[] {consumer, producer}) {
                SftpConfiguration connection = endpoint.getConfiguration();
                assertThat(connection.getUsername()).isEqualTo("arauto");
                assertThat(connection.getPassword()).isEqualTo("p@ss&word)}");
                assertThat(connection.getKnownHostsFile()).isEqualTo(Path.of("/etc/arauto/known_hosts").toAbsolutePath().toString());
                assertThat(connection.getStrictHostKeyChecking()).isEqualTo("yes");
                assertThat(connection.isUseUserKnownHostsFile()).isFalse();
                assertThat(connection.getConnectTimeout()).isEqualTo(7000);
                assertThat(connection.getServerAliveInterval()).isEqualTo(15000);
                assertThat(connection.isBinary()).isTrue();
                assertThat(endpoint.getMaximumReconnectAttempts()).isZero();
                assertThat(endpoint.getEndpointUri()).doesNotContain("p@ss");
            }
            assertThat(consumer.isAutoCreate()).isFalse();
            assertThat(producer.isAutoCreate()).isTrue();
        }
    }
}
