package io.arauto.intake;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.springframework.stereotype.Component;

import io.arauto.ledger.LedgerHealthIndicator;

/**
 * The intake pollers' filter (folder and SFTP): while the ledger cannot be written no file is
 * taken, so a file dropped during an outage waits in the inbox instead of being refused for it.
 */
@Component
public class LedgerUpFileFilter implements GenericFileFilter<Object> {

    private final LedgerHealthIndicator ledger;

    public LedgerUpFileFilter(LedgerHealthIndicator ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        return file.isDirectory() || ledger.upOrBack();
    }
}
