package io.arauto.intake;

import io.arauto.ledger.Campaign;

/**
 * A source whose archive Arauto can look into itself, to tell a file read again because its
 * archiving never happened (archived as its campaign) from the same bytes dropped again (refused).
 * A source without one relies on the ledger's archived mark ({@link CampaignIntake#archived}).
 */
public interface SourceArchive {

    /** The source, as {@link io.arauto.support.Exchanges#SOURCE} names it. */
    String source();

    /** True when the campaign's file is in this source's archive. */
    boolean holds(Campaign campaign);
}
