package io.arauto.intake;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.read.UnreadableFileException;

/**
 * The words of a rejected file's note, {@code <file>.error.txt} beside it in error/: why it was not
 * taken, worded for the person who dropped it, and whether to drop it again. Where the note is
 * written is its source's business (LocalFolders, the sftp-error-note route).
 */
@Component
public class RejectionNote {

    private static final Logger log = LoggerFactory.getLogger(RejectionNote.class);

    private final ArautoProperties properties;
    private final Clock clock;

    public RejectionNote(ArautoProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Why the file failed: what a check or the reader said, or else only the kind of failure, as a
     * database's own message can quote the row it choked on, phone numbers included.
     */
    public String reason(Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof RejectedFileException || t instanceof UnreadableFileException) {
                return t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        Throwable root = cause instanceof UncheckedIOException u ? u.getCause() : cause;
        log.debug("File failed with an unexpected error", cause);
        return "Arauto could not process the file (" + root.getClass().getSimpleName() + "; the log at DEBUG level has the details). "
                + "Nothing of it will be sent; drop it again once the problem is fixed.";
    }

    /** The file's campaign was dropped by the ledger watchdog while the file was read. */
    public String droppedByWatchdog(long campaignId) {
        return "Campaign " + campaignId + " was dropped while this file was being read: it made no progress for "
                + properties.getLedger().getStaleAfter().toSeconds() + " s (arauto.ledger.stale-after), so the ledger "
                + "watchdog took it for a read a crash had interrupted. Nothing of it will be sent; drop the file again.";
    }

    /** The file's campaign had been accepted before what failed: it goes out, the file must not be dropped again. */
    public String acceptedBefore(long campaignId, String reason) {
        return "Campaign " + campaignId + " was accepted from this file and is being sent; only what came after "
                + "failed (" + reason + "). Do not drop the file again: its messages are already on their way.";
    }

    /** The note itself: the file, the reason, when, where it went, and what to do now. */
    public String text(String relativePath, String errorTarget, String reason, boolean accepted) {
        return String.join(System.lineSeparator(),
                relativePath + " was not taken.",
                "",
                "Reason: " + reason,
                "",
                "Received: " + clock.instant(),
                "Moved to: error/" + Path.of(errorTarget).getFileName(),
                accepted ? "Its campaign's status report is in outbox/."
                        : "Fix the file and drop it again in <template>/; a rejected file never blocks its corrected copy.",
                "");
    }
}
