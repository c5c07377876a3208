package io.arauto.audit;

import java.util.Locale;

/** What an audit line records. Written as its lowercase name ({@code file_received}), the {@code event} of the trail. */
public enum AuditEvent {
    FILE_RECEIVED,
    FILE_REJECTED,
    CAMPAIGN_CREATED,
    MESSAGE_SENT,
    STATUS_RECEIVED,
    /** A status report for a message the ledger does not know. */
    STATUS_UNMATCHED,
    /** A customer wrote (text, button, anything): the message it answered, if any. */
    REPLY_RECEIVED,
    /** Messages that got no reply within 24 hours of being sent, one line per campaign and sweep. */
    MESSAGES_EXPIRED,
    OPT_OUT_RECORDED,
    OPT_IN_RECORDED,
    CAMPAIGN_SETTLED,
    /** An operator cancelled the campaign (REST API): its queued messages became CANCELLED. */
    CAMPAIGN_CANCELLED,
    /** An operator paused the campaign (REST API): its queued messages wait. */
    CAMPAIGN_PAUSED,
    /** An operator resumed a paused campaign (REST API): its queued messages go out again. */
    CAMPAIGN_RESUMED,
    /** An operator queued the campaign's UNCERTAIN messages again (REST API). */
    UNCERTAIN_REQUEUED,
    /** A nightly schedule's occurrence began: its audience query runs. */
    SCHEDULE_STARTED,
    /** An occurrence that would have started later than its grace: nobody is messaged for it. */
    SCHEDULE_SKIPPED,
    /** An occurrence whose campaign could not be made (the query failed, a column is missing…): nothing of it is sent. */
    SCHEDULE_FAILED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The word in the audit file and table: {@code file_received}. */
    public String wire() {
        return wire;
    }
}
