package io.arauto.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.optout.CrmUnavailableException;
import io.arauto.read.UnreadableFileException;

/**
 * The words of a rejected file's note, {@code <file>.error.txt} beside it in error/: why it was not
 * taken, worded for the person who dropped it, and whether to drop it again. Where the note is
 * written is its source's business (LocalFolders, SftpFolders), each writing a {@link Rejection}'s note.
 */
@Component
public class RejectionNote {

    private static final Logger log = LoggerFactory.getLogger(RejectionNote.class);

    private final ArautoProperties properties;
    public RejectionNote(ArautoProperties properties) {
        this.properties = properties;
    }

    /**
     * Why the file failed: what a check or the reader said, or else only the kind of failure, as a
     * database's own message can quote the row it choked on, phone numbers included.
     */
    public String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedFileException || t instanceof UnreadableFileException) {
                return t.getMessage();
            }
            if (t instanceof CrmUnavailableException) {
                return t.getMessage() + ", so it cannot tell who opted out: nothing of this file was judged or sent. "
                        + "Drop it again once the CRM can be read.";
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessException || t instanceof TransactionException) {
                log.warn("A file failed because the ledger could not be written: {}", LedgerHealthIndicator.describe(t));
                return "Arauto's ledger (the database where it keeps every campaign and message) could not be written while "
                        + "this file was read: nothing of it will be sent. Drop it again once the ledger is back (the health "
                        + "page at /actuator/health says when).";
            }
        }
        // the kind only, at any level: a database's or a parser's message can quote a row, phone numbers included
        log.warn("A file failed with an unexpected error ({})", org.springframework.core.NestedExceptionUtils.getMostSpecificCause(cause)
                .getClass().getName());
        if (log.isDebugEnabled()) {
            log.debug("Where the unexpected error came from (messages left out, as they may quote the file):{}", whereFrom(cause));
        }
        return "Arauto could not process the file because of an unexpected error on its side, not in the file's content. "
                + "Nothing of it will be sent; drop it again, and if it is refused the same way, ask whoever runs Arauto.";
    }

    /** Each cause's kind and where it was thrown, without its message. */
    static String whereFrom(Throwable cause) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = cause; t != null && depth++ < 10; t = t.getCause() == t ? null : t.getCause()) {
            text.append(System.lineSeparator()).append(depth == 1 ? "" : "caused by ").append(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 12); i++) {
                text.append(System.lineSeparator()).append("\tat ").append(frames[i]);
            }
        }
        return text.toString();
    }

    /**
     * Why a symbolic link dropped in {@code templateFolder} was refused, for either source: nothing of its target was read,
     * since a link may point anywhere (another team's folder, {@code /etc/passwd}).
     */
    public static String symbolicLink(String templateFolder) {
        return "The file is a symbolic link, not a file dropped in the inbox; Arauto does not read links, so nothing was read. "
                + "Copy the spreadsheet itself into " + templateFolder + "/.";
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
}
