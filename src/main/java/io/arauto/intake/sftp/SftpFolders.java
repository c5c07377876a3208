package io.arauto.intake.sftp;

import java.time.Clock;

import io.arauto.intake.FileNames;

/**
 * Names on the SFTP server, relative to its intake directory; the twin of LocalFolders. A rejected file always gets a
 * time-stamped name in error/, so a second rejection of the same name never overwrites the first
 * and no extra round trip is needed to find out whether the plain name is taken.
 */
public class SftpFolders {

    private final Clock clock;

    public SftpFolders(Clock clock) {
        this.clock = clock;
    }

    /** {@code error/<name>.<yyyyMMdd-HHmmss>.<ext>}. */
    public String errorTarget(String fileName) {
        return "error/" + FileNames.timeStamped(fileName, clock.instant());
    }
}
