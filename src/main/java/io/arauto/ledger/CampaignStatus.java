package io.arauto.ledger;

/**
 * READING while rows go into the ledger, ACTIVE while messages are due, PAUSED while Meta refuses
 * its template (nothing of it is sent until it is resumed), DONE once none is left to send. DRY_RUN: a file
 * judged in full whose rows keep their verdicts and are never sent (the send queue takes only ACTIVE campaigns),
 * nor does it count as an accepted file for the duplicate check.
 */
public enum CampaignStatus {
    READING, ACTIVE, PAUSED, DONE, CANCELLED, REJECTED, DRY_RUN
}
