package io.arauto.ledger;

/**
 * READING while rows go into the ledger, ACTIVE while messages are due, PAUSED while Meta refuses
 * its template (nothing of it is sent until it is resumed), DONE once none is left to send.
 */
public enum CampaignStatus {
    READING, ACTIVE, PAUSED, DONE, CANCELLED, REJECTED
}
