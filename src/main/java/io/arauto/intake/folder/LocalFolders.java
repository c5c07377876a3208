package io.arauto.intake.folder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.intake.FileNames;
import io.arauto.intake.SourceArchive;
import io.arauto.ledger.Campaign;
import io.arauto.support.Exchanges;

/**
 * Where the local inbox's files go, under the data folder: accepted ones to archive/, rejected ones
 * to error/ with their note beside them. The twin of SftpFolders. A rejected file gets its plain
 * name in error/ unless that is taken, then a time-stamped one.
 */
@Component
public class LocalFolders implements SourceArchive {

    private final ArautoProperties properties;
    private final Clock clock;

    public LocalFolders(ArautoProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** Where a file goes if it is rejected: error/&lt;name&gt;, or a time-stamped name when that is taken. */
    public String errorTarget(String fileName) {
        Path dir = properties.errorDir().toAbsolutePath().normalize();
        Path target = dir.resolve(fileName);
        if (Files.exists(target) || Files.exists(dir.resolve(fileName + ".error.txt"))) {
            target = dir.resolve(FileNames.timeStamped(fileName, clock.instant()));
        }
        return target.toString();
    }

    /** Where an accepted file goes: {@code archiveName} ({@link FileNames#archiveName}) under the data folder's archive/. */
    public String archiveTarget(String archiveName) {
        return properties.archiveDir().toAbsolutePath().normalize().resolve(archiveName).toString();
    }

    /** Writes the rejection note beside a file moved to error/. */
    public void writeNote(String errorTarget, String note) throws IOException {
        Path file = Path.of(errorTarget + ".error.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, note, StandardCharsets.UTF_8);
    }

    @Override
    public String source() {
        return Exchanges.FOLDER;
    }

    /** A local move leaves no doubt: the archived copy is there or it is not. */
    @Override
    public boolean holds(Campaign campaign) {
        return Files.exists(Path.of(archiveTarget(FileNames.archiveName(campaign.template(), campaign.name(), campaign.id()))));
    }
}
