package io.arauto.ledger;

import java.util.List;

import io.arauto.support.PhoneMask;

/** A message waiting to be sent: its place in the campaign, the recipient and the row's cells. */
public record QueuedMessage(long campaignId, int row, String e164, int attempts, List<String> cells) {

    /** Masked, without the cells: whatever prints a message (a log, a diagnostic dump of Camel's) never shows a full number. */
    @Override
    public String toString() {
        return "QueuedMessage[campaign=" + campaignId + ", row=" + row + ", to=" + PhoneMask.mask(e164) + ", attempts=" + attempts + "]";
    }
}
