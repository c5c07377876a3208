package io.arauto.intake;

/** A dropped file Arauto will not take; the message tells the person who dropped it what was wrong. */
public class RejectedFileException extends Exception {

    public RejectedFileException(String message) {
        super(message);
    }
}
