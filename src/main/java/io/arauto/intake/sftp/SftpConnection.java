package io.arauto.intake.sftp;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.spi.EndpointStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;

import io.arauto.config.ArautoProperties;
import io.arauto.config.SftpSettings;

/**
 * How Arauto connects to the SFTP server, written once for every sftp endpoint of the routes (the
 * intake-sftp consumer and the sftp-put producer): the login, the host key checked against
 * known_hosts only, the connect time-out, keep-alives, one connection attempt per poll, binary
 * transfers, and an absolute directory kept absolute. Camel hands each endpoint here as it creates it, before anything connects; the
 * password and the key's passphrase go straight into its configuration, never into a URI.
 */
public class SftpConnection implements EndpointStrategy, CamelContextConfiguration {

    private final ArautoProperties.Sftp sftp;

    public SftpConnection(ArautoProperties.Sftp sftp) {
        this.sftp = sftp;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getCamelContextExtension().registerEndpointCallback(this);
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    @Override
    public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
        if (endpoint instanceof SftpEndpoint sftpEndpoint) {
            apply(sftpEndpoint);
        }
        return endpoint;
    }

    void apply(SftpEndpoint endpoint) {
        SftpConfiguration connection = endpoint.getConfiguration();
        connection.setUsername(sftp.getUsername());
        if (sftp.getPassword() != null && !sftp.getPassword().isBlank()) {
            connection.setPassword(sftp.getPassword());
        }
        if (sftp.getPrivateKeyFile() != null) {
            connection.setPrivateKeyFile(sftp.getPrivateKeyFile().toAbsolutePath().toString());
            if (sftp.getPrivateKeyPassphrase() != null && !sftp.getPrivateKeyPassphrase().isBlank()) {
                connection.setPrivateKeyPassphrase(sftp.getPrivateKeyPassphrase());
            }
        }
        connection.setKnownHostsFile(sftp.knownHosts().toAbsolutePath().toString());
        connection.setStrictHostKeyChecking(sftp.isStrictHostKeyChecking() ? "yes" : "no");
        // the configured known_hosts only: never the user's own, never a file made up on the spot
        connection.setUseUserKnownHostsFile(false);
        connection.setAutoCreateKnownHostsFile(false);
        connection.setConnectTimeout(Math.toIntExact(sftp.getConnectTimeout().toMillis()));
        // keep-alives every quarter of the timeout: a dead server is noticed instead of hanging a transfer
        connection.setServerAliveInterval(Math.toIntExact(Math.max(1000, sftp.getTimeout().toMillis() / 4)));
        connection.setServerAliveCountMax(4);
        connection.setBinary(true);
        // one attempt per poll: retrying is the poller's business, with backoff
        endpoint.setMaximumReconnectAttempts(0);
        String directory = SftpSettings.directory(sftp.getDirectory());
        if (directory.startsWith("/")) {
            // the server's absolute path, as OpenSSH's sftp reads it; the URI could only carry it relative to the login folder
            connection.setDirectory(directory);
        }
    }
}
