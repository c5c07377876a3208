package io.arauto.verdict;

/**
 * The status words of SPEC sections 2 and 4, with the order in which a message moves. A status
 * only ever moves to a higher rank; the row verdicts and CANCELLED are final.
 */
public enum MessageStatus {
    INVALID(100, true),
    DUPLICATE(100, true),
    OPTED_OUT(100, true),
    CANCELLED(100, true),
    QUEUED(0, false),
    SENDING(1, false),
    UNCERTAIN(2, false),
    SENT(3, false),
    FAILED(4, false),
    DELIVERED(5, false),
    READ(6, false),
    EXPIRED(7, false),
    REPLIED(8, false);

    private final int rank;
    /** Nothing can change the status any more. */
    private final boolean finalStatus;

    MessageStatus(int rank, boolean finalStatus) {
        this.rank = rank;
        this.finalStatus = finalStatus;
    }

    /** Whether a message now in this status may move to {@code next}. */
    public boolean canMoveTo(MessageStatus next) {
        return !finalStatus && next.rank > rank;
    }
}
