package io.arauto.intake;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A file that was not taken, as its note tells it: the file, why, when, and whether its campaign had been accepted
 * before what failed. Its source writes {@link #note} beside the file in error/ as it claims the file's name there
 * (LocalFolders, SftpFolders), so the note appears with its words, never empty.
 */
public record Rejection(String relativePath, String reason, boolean accepted, Instant received) {

    /** The note's words, {@code <file>.error.txt} beside the file moved to {@code errorTarget}. */
    public String note(String errorTarget) {
        return String.join(System.lineSeparator(),
                relativePath + " was not taken.",
                "",
                "Reason: " + reason,
                "",
                "Received: " + received,
                "Moved to: error/" + Path.of(errorTarget).getFileName(),
                accepted ? "Its campaign's status report is in outbox/."
                        : "Fix the file and drop it again in <template>/; a rejected file never blocks its corrected copy.",
                "");
    }
}
