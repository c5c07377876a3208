package io.arauto.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * The Bearer token of the REST API: {@code arauto.api.token}, or else one generated at the first start,
 * kept in {@code ${arauto.data-dir}/api-token} (readable by its owner only) and printed once, then — the
 * only secret Arauto ever logs. Later starts read it back from that file without printing it.
 */
@Component
public class ApiToken {

    private static final Logger log = LoggerFactory.getLogger(ApiToken.class);
    static final String FILE = "api-token";

    private final byte[] token;

    public ApiToken(ArautoProperties properties) {
        String configured = properties.getApi().getToken();
        String value = configured != null && !configured.isBlank() ? configured.strip() : kept(properties.getDataDir().resolve(FILE));
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code presented} is the token, compared in constant time so its content cannot be guessed by timing. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String kept(Path file) {
        try {
            if (Files.exists(file)) {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    log.info("REST API token read from {} (arauto.api.token is not set)", file.toAbsolutePath().normalize());
                    return value;
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            write(file, value);
            // never printed: logs travel further than the data folder; whoever started Arauto reads the file
            log.warn("arauto.api.token is not set: generated a token for the REST API and kept it in {} (readable by its owner "
                    + "only; read it from there, it is never logged)", file.toAbsolutePath().normalize());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("The REST API token could not be kept in " + file.toAbsolutePath().normalize()
                    + "; set arauto.api.token, or make the data folder writable", e);
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, value + System.lineSeparator(), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
