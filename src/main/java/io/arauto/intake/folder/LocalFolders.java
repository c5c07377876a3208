package io.arauto.intake.folder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.intake.FileNames;
import io.arauto.intake.Rejection;
import io.arauto.intake.SourceArchive;
import io.arauto.ledger.Campaign;
import io.arauto.support.Exchanges;
import io.arauto.support.ShortNames;

/**
 * Where the local inbox's files go, under the data folder: accepted ones to archive/, rejected ones
 * to error/ with their note beside them. The twin of SftpFolders. A rejected file gets the first of
 * {@link FileNames#errorNames} that is free in error/, claimed by creating its note there, so no two
 * rejected files ever get the same name.
 */
@Component
public class LocalFolders implements SourceArchive {

    private static final Logger log = LoggerFactory.getLogger(LocalFolders.class);

    private final ArautoProperties properties;
    private final Clock clock;
    private final InboxHealthIndicator moves;
    private final Map<String, PendingNote> pendingNotes = new ConcurrentHashMap<>();

    private record PendingNote(String note, Instant since) { }

    public LocalFolders(ArautoProperties properties, Clock clock, InboxHealthIndicator moves) {
        this.properties = properties;
        this.clock = clock;
        this.moves = moves;
    }

    /**
     * Where a rejected file goes: the first free name of {@link FileNames#errorNames}, claimed by creating its note
     * with the rejection's words in the same call. Creating a file that is not there is atomic, so two files rejected
     * at once, by this instance or another on the same folder, never get the same name. A note that cannot be written
     * is written once the file reaches error/ ({@link #writePendingNotes}).
     */
    public String errorTarget(String fileName, Rejection rejection) throws IOException {
        Path dir = properties.errorDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException cannotWrite) {
            // error/ cannot be made: the move there fails as well, and InboxHealthIndicator says why, once
            String target = dir.resolve(ShortNames.shortened(fileName, FileNames.MOVED_NAME_MAX)).toString();
            notePending(target, rejection.note(target), cannotWrite);
            return target;
        }
        for (String name : FileNames.errorNames(fileName, clock.instant())) {
            Path target = dir.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.writeString(dir.resolve(name + ".error.txt"), rejection.note(target.toString()), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return target.toString();
            } catch (FileAlreadyExistsException taken) {
                // another rejected file has it: try the next
            } catch (IOException cannotWrite) {
                notePending(target.toString(), rejection.note(target.toString()), cannotWrite);
                return target.toString();
            }
        }
        throw new IOException("error/ holds " + FileNames.MOST_ERROR_NAMES + " files named like " + fileName + " from this second");
    }

    /** Where an accepted file goes: {@code archiveName} ({@link FileNames#archiveName}) under the data folder's archive/. */
    public String archiveTarget(String archiveName) {
        return properties.archiveDir().toAbsolutePath().normalize().resolve(archiveName).toString();
    }

    /**
     * error/ cannot be written: the file's move there fails too and is reported once (InboxHealthIndicator). Should
     * error/ come back between now and the move, the note is written once the file is there (writePendingNotes).
     */
    private void notePending(String errorTarget, String note, IOException cannotWrite) {
        pendingNotes.put(errorTarget, new PendingNote(note, clock.instant()));
        log.debug("The note {}.error.txt could not be written: {}", errorTarget, cannotWrite.toString());
    }

    /** Writes the notes that could not be written beside files that have reached error/ since; forgets those long overdue. */
    public void writePendingNotes() {
        Instant overdue = clock.instant().minus(InboxHealthIndicator.LONGEST_WAIT.multipliedBy(2));
        pendingNotes.forEach((target, pending) -> {
            if (Files.exists(Path.of(target), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    write(target, pending.note());
                    pendingNotes.remove(target);
                } catch (IOException stillNot) {
                    log.debug("The note {}.error.txt still cannot be written: {}", target, stillNot.toString());
                }
            } else if (pending.since().isBefore(overdue)) {
                pendingNotes.remove(target); // the file was rejected again since, under a name of its own
            }
        });
    }

    private static void write(String errorTarget, String note) throws IOException {
        Path file = Path.of(errorTarget + ".error.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, note, StandardCharsets.UTF_8);
    }

    @Override
    public String source() {
        return Exchanges.FOLDER;
    }

    /**
     * The archived copy is there, and the file in the inbox is not one whose move failed (a copy made before the original
     * could not be removed): that one is still this campaign's file, to be archived again, never a new drop.
     */
    @Override
    public boolean holds(Campaign campaign) {
        Path dir = properties.getIntake().getDir() != null ? properties.getIntake().getDir() : properties.getDataDir().resolve("inbox");
        return Files.exists(Path.of(archiveTarget(FileNames.archiveName(campaign.template(), campaign.name(), campaign.id()))))
                && (campaign.sourceFile() == null || !moves.moveFailed(dir.resolve(campaign.sourceFile())));
    }
}
