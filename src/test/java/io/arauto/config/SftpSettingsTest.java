package io.arauto.config;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SFTP settings become the routes' placeholders without any secret, and settings that cannot work stop the start with a reason. */
class SftpSettingsTest {

    @Test
    void noSecretBecomesAPlaceholder() {
        ArautoProperties.Sftp sftp = new ArautoProperties.Sftp();
        sftp.setEnabled(true);
        sftp.setHost("sftp.example");
        sftp.setUsername("arauto");
        sftp.setPassword("p@ss&word)}");
        sftp.setKnownHostsFile(Path.of("/etc/arauto/known_hosts"));
        Map<String, String> options = SftpSettings.endpointOptions(sftp);
        assertThat(options).containsEntry("arauto.intake.sftp.camel.directory", "inbox")
                .containsEntry("arauto.intake.sftp.camel.claim-renewal", "30000")
                .doesNotContainKey("arauto.intake.sftp.camel.password");
        assertThat(options.values()).noneMatch(value -> value.contains("p@ss"));
        assertThat(sftp.toString()).doesNotContain("p@ss");
    }

    @Test
    void settingsThatCannotWorkAreNamed() {
        ArautoProperties.Sftp sftp = new ArautoProperties.Sftp();
        sftp.setEnabled(true);
        sftp.setPrivateKeyFile(Path.of("/no/such/key"));
        assertThatThrownBy(() -> SftpSettings.endpointOptions(sftp)).hasMessage("SFTP intake is on (arauto.intake.sftp.enabled=true) but "
                + "arauto.intake.sftp.host is not set; arauto.intake.sftp.username is not set; arauto.intake.sftp.private-key-file names a file that does not exist: /no/such/key.");
    }
}
