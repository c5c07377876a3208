package io.arauto.intake.sftp;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names on the SFTP server, relative to its intake directory. A rejected file always gets a
 * time-stamped name in error/, so a second rejection of the same name never overwrites the first
 * and no extra round trip is needed to find out whether the plain name is taken.
 */
public class SftpFolders {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public SftpFolders(Clock clock) {
        this.clock = clock;
    }

    /** {@code error/<name>.<yyyyMMdd-HHmmss>.<ext>}. */
    public String errorTarget(String fileName) {
        String stamp = STAMP.format(clock.instant());
        int dot = fileName.lastIndexOf('.');
        return "error/" + (dot <= 0 ? fileName + "." + stamp : fileName.substring(0, dot) + "." + stamp + fileName.substring(dot));
    }

    /** {@code archive/<template>/<name>.<campaign-id>.<ext>}. */
    public String archiveTarget(String archiveName) {
        return "archive/" + archiveName;
    }
}
