package io.arauto.intake.folder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * to error/ with their note beside them. The twin of SftpFolders. A rejected file gets the first of
 * {@link FileNames#errorNames} that is free in error/, claimed by creating its note there, so no two
 * rejected files ever get the same name.
 */
@Component
public class LocalFolders implements SourceArchive {

    private final ArautoProperties properties;
    private final Clock clock;

    public LocalFolders(ArautoProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Where a rejected file goes: the first free name of {@link FileNames#errorNames}, claimed by creating its note,
     * empty until {@link #writeNote} fills it. Creating a file that is not there is atomic, so two files rejected at
     * once, by this instance or another on the same folder, never get the same name.
     */
    public String errorTarget(String fileName) throws IOException {
        Path dir = properties.errorDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        for (String name : FileNames.errorNames(fileName, clock.instant())) {
            Path target = dir.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.createFile(dir.resolve(name + ".error.txt"));
                return target.toString();
            } catch (FileAlreadyExistsException taken) {
                // another rejected file has it: try the next
            }
        }
        throw new IOException("error/ holds " + FileNames.MOST_ERROR_NAMES + " files named like " + fileName + " from this second");
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
