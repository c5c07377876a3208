package io.arauto.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The API token: generated once into the data folder (never logged), or taken from arauto.api.token. */
class ApiTokenTest {

    @TempDir
    Path dataDir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ApiToken.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    private ArautoProperties properties(String token) {
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        properties.getApi().setToken(token);
        return properties;
    }

    @Test
    void anUnsetTokenIsGeneratedAndKeptForItsOwnerAndNeverPrinted() throws IOException {
        ApiToken first = new ApiToken(properties(""));
        Path file = dataDir.resolve("api-token");
        String token = Files.readString(file).strip();

        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        assertThat(first.matches(token)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains(file.toAbsolutePath().normalize().toString()))
                .as("where it is kept").hasSize(1);
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains(token)).as("never printed").isEmpty();

        ApiToken again = new ApiToken(properties(null)); // the next start
        assertThat(again.matches(token)).isTrue();
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains(token)).as("never printed").isEmpty();
        assertThat(logged.list).hasSize(2);
    }

    @Test
    void aConfiguredTokenIsUsedAndNeverLogged() {
        ApiToken token = new ApiToken(properties("s3cret-token"));

        assertThat(token.matches("s3cret-token")).isTrue();
        assertThat(token.matches("s3cret-toke")).isFalse();
        assertThat(token.matches("s3cret-token2")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(dataDir.resolve("api-token")).doesNotExist();
        assertThat(logged.list).isEmpty();
    }
}
