package io.arauto.intake.sftp;

import java.time.Clock;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.arauto.intake.FileNames;
import io.arauto.intake.Rejection;

/**
 * Names on the SFTP server, relative to its intake directory; the twin of LocalFolders. A rejected file gets the first
 * of {@link FileNames#errorNames} that is free in error/, claimed by putting its note there, words and all, through the
 * sftp-error-name route (written under a temporary name, then renamed: it appears whole), which refuses a name that is taken (the server's rename never replaces a file). So no two
 * rejected files get the same name, whichever instance rejects them. When error/ cannot be written, the first name is
 * returned unclaimed: the file's move there fails too, and is reported once (SftpMoves), as LocalFolders does.
 */
public class SftpFolders {

    private static final Logger log = LoggerFactory.getLogger(SftpFolders.class);

    private final Clock clock;
    private final ProducerTemplate routes;

    public SftpFolders(Clock clock, ProducerTemplate routes) {
        this.clock = clock;
        this.routes = routes;
    }

    /** {@code error/<name>}, first free of {@code <name>}, {@code <name>.<yyyyMMdd-HHmmss>.<ext>}, {@code ...-2.<ext>} and on. */
    public String errorTarget(String fileName, Rejection rejection) {
        for (String name : FileNames.errorNames(fileName, clock.instant())) {
            String target = "error/" + name;
            try {
                routes.sendBodyAndHeader("direct:sftp-error-name", rejection.note(target), Exchange.FILE_NAME, target + ".error.txt");
                return target;
            } catch (CamelExecutionException e) {
                if (!taken(e)) {
                    // error/ cannot be written: the move there cannot happen either, and SftpMoves says why, once
                    log.debug("No name could be claimed in error/ on the SFTP server: {}", e.getMessage());
                    return target;
                }
            }
        }
        throw new IllegalStateException("error/ on the SFTP server holds " + FileNames.MOST_ERROR_NAMES + " files named like "
                + fileName + " from this second");
    }

    private static boolean taken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("already exist")) {
                return true;
            }
        }
        return false;
    }
}
