package io.arauto.ledger;

import java.util.List;

/** A message waiting to be sent: its place in the campaign, the recipient and the row's cells. */
public record QueuedMessage(long campaignId, int row, String e164, int attempts, List<String> cells) { }
