package io.arauto.ledger;

/** READING while rows go into the ledger, ACTIVE while messages are due, DONE once none is left to send. */
public enum CampaignStatus {
    READING, ACTIVE, DONE, CANCELLED, REJECTED
}
