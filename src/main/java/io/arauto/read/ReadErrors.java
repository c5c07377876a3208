package io.arauto.read;

import java.io.UncheckedIOException;

/** Turns parser failures into {@link UnreadableFileException}s worded for the person who sent the file. */
final class ReadErrors {

    static final String ZIP_BOMB = "it unpacks to far more data than its size suggests, as a zip bomb does, so it was not read";
    static final String DAMAGED_WORKBOOK = "the workbook is damaged";

    private ReadErrors() {
    }

    /** What iteration throws; {@code where} is e.g. "at row 12". */
    static UncheckedIOException unreadable(String fileName, String where, String reason, Exception cause) {
        return new UncheckedIOException(new UnreadableFileException(
                fileName + " could not be read " + where + ": " + reason, cause));
    }

    /** The first line of the deepest cause's message, which is where parsers say what they found; never an error's class name. */
    static String innermostMessage(Throwable error) {
        Throwable innermost = error;
        while (innermost.getCause() != null) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message == null || message.isBlank() ? "the file is damaged or cut short at that point"
                : message.lines().findFirst().orElse("");
    }

    /** POI has no exception type for this, only the message, which talks about settings the user cannot change. */
    static boolean isZipBomb(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Zip bomb detected")) {
                return true;
            }
        }
        return false;
    }
}
