package io.arauto.config;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code arauto.intake.sftp.*} for the SFTP routes: checks the settings at start when SFTP is on,
 * and gives the routes what they need as {@code {{arauto.intake.sftp.camel.*}}} placeholders
 * ({@code enabled} as true/false, the directory as Camel takes it, intervals in ms). The
 * connection itself (login, host key, time-outs) is not among them: SftpConnection sets it on
 * every sftp endpoint, so no secret ever appears in an endpoint URI or a log line.
 */
@Component
public class SftpSettings implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SftpSettings.class);

    private final ArautoProperties properties;

    public SftpSettings(ArautoProperties properties) {
        this.properties = properties;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        ArautoProperties.Sftp sftp = properties.getIntake().getSftp();
        PropertiesComponent placeholders = camel.getPropertiesComponent();
        placeholders.addInitialProperty("arauto.intake.sftp.camel.enabled", String.valueOf(sftp.isEnabled()));
        if (!sftp.isEnabled()) {
            return;
        }
        endpointOptions(sftp).forEach(placeholders::addInitialProperty);
        log.info("SFTP intake on {}{}: {} auth, host key {}", sftp.server(), sftp.getDirectory(),
                sftp.getPrivateKeyFile() != null ? "key " + sftp.getPrivateKeyFile() : "password",
                sftp.isStrictHostKeyChecking() ? "checked against " + sftp.knownHosts() : "NOT checked (strict-host-key-checking=false)");
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    /** The placeholders by name; fails with a sentence a person can act on when the settings cannot work. */
    static Map<String, String> endpointOptions(ArautoProperties.Sftp sftp) {
        List<String> problems = new ArrayList<>();
        if (blank(sftp.getHost())) {
            problems.add("arauto.intake.sftp.host is not set");
        }
        if (blank(sftp.getUsername())) {
            problems.add("arauto.intake.sftp.username is not set");
        }
        if (blank(sftp.getPassword()) && sftp.getPrivateKeyFile() == null) {
            problems.add("neither arauto.intake.sftp.password nor arauto.intake.sftp.private-key-file is set");
        }
        if (sftp.getPrivateKeyFile() != null && !Files.exists(sftp.getPrivateKeyFile())) {
            problems.add("arauto.intake.sftp.private-key-file names a file that does not exist: " + sftp.getPrivateKeyFile().toAbsolutePath());
        } else if (sftp.getPrivateKeyFile() != null && !Files.isReadable(sftp.getPrivateKeyFile())) {
            problems.add("arauto.intake.sftp.private-key-file names a file Arauto may not read: " + sftp.getPrivateKeyFile().toAbsolutePath());
        }
        if (blank(sftp.getDirectory())) {
            problems.add("arauto.intake.sftp.directory is empty");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("SFTP intake is on (arauto.intake.sftp.enabled=true) but " + String.join("; ", problems) + ".");
        }
        Map<String, String> options = new LinkedHashMap<>();
        // the endpoint URI takes the directory without its leading / (Camel's SFTP endpoints turn an absolute path in the URI
        // into one under the login folder, with a warning); SftpConnection gives an absolute directory back to each endpoint
        options.put(CAMEL + "directory", directory(sftp.getDirectory()).replaceFirst("^/", ""));
        options.put(CAMEL + "poll-delay", String.valueOf(sftp.getPollDelay().toMillis()));
        // claims are renewed four times per lease, so one slow renewal never lets a live claim lapse
        options.put(CAMEL + "claim-renewal", String.valueOf(Math.max(1000, sftp.getClaimLease().toMillis() / 4)));
        return options;
    }

    /** {@code /srv//inbox/} is {@code /srv/inbox}, {@code inbox/} is {@code inbox}: one slash at most in front, none behind. */
    public static String directory(String directory) {
        String trimmed = directory.trim().replaceAll("/{2,}", "/");
        return trimmed.length() > 1 ? trimmed.replaceFirst("/$", "") : trimmed;
    }

    private static final String CAMEL = "arauto.intake.sftp.camel.";

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
