package io.arauto.intake.folder;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.intake.LedgerUpFileFilter;

/**
 * What the local inbox's poller looks at: nothing while the ledger is down ({@link LedgerUpFileFilter}), a file whose
 * move to archive/ or error/ failed only once its wait is over ({@link InboxHealthIndicator}), and never a
 * folder that is a symbolic link, which would lead it out of the inbox (and move files it has no business with). A
 * link to a file is let through, to be refused with a note by CampaignIntake; a linked folder cannot carry a note
 * (its files are someone else's), so the log says once that it is left alone.
 */
@Component
public class InboxFilter implements GenericFileFilter<File> {

    private static final Logger log = LoggerFactory.getLogger(InboxFilter.class);

    private final LedgerUpFileFilter ledgerUp;
    private final InboxHealthIndicator moves;
    private final LocalFolders folders;
    private final Set<Path> linkedFolders = ConcurrentHashMap.newKeySet();

    public InboxFilter(LedgerUpFileFilter ledgerUp, InboxHealthIndicator moves, LocalFolders folders) {
        this.ledgerUp = ledgerUp;
        this.moves = moves;
        this.folders = folders;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory()) {
            folders.writePendingNotes(); // a note that could not be written before its file's move: once per folder a poll
        }
        if (file.isDirectory() && Files.isSymbolicLink(file.getFile().toPath())) {
            if (linkedFolders.add(file.getFile().toPath())) {
                log.warn("{} is a symbolic link to a folder; Arauto does not follow links out of the inbox, so nothing under it is taken",
                        file.getRelativeFilePath());
            }
            return false;
        }
        if (!file.isDirectory() && !moves.due(file.getFile().toPath())) {
            return false; // its move failed a moment ago: it waits its turn
        }
        return ledgerUp.accept((GenericFile) file);
    }
}
