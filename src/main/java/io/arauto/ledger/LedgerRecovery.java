package io.arauto.ledger;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Puts the ledger right after a crash, before any route starts. */
@Component
public class LedgerRecovery {

    private static final Logger log = LoggerFactory.getLogger(LedgerRecovery.class);

    private final CampaignLedger campaigns;
    private final MessageLedger messages;

    public LedgerRecovery(CampaignLedger campaigns, MessageLedger messages) {
        this.campaigns = campaigns;
        this.messages = messages;
    }

    @PostConstruct
    public void recover() {
        for (long id : campaigns.interruptedReads()) {
            campaigns.reject(id);
            log.warn("Campaign {} was being read when Arauto stopped; it is dropped and its file, still in the inbox, is read again", id);
        }
        int uncertain = messages.uncertainAfterRestart();
        if (uncertain > 0) {
            log.warn("{} message(s) were being sent when Arauto stopped; they are now UNCERTAIN and will not be sent again on their own", uncertain);
        }
    }
}
