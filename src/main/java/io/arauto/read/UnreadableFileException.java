package io.arauto.read;

import java.io.IOException;

/** A file that cannot be read as a spreadsheet; the message says why in plain words. */
public class UnreadableFileException extends IOException {

    public UnreadableFileException(String message) {
        super(message);
    }

    public UnreadableFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
