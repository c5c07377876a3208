package io.arauto.intake.sftp;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;

/**
 * Camel's recovery for remote pollers (disconnect after a failed poll, log in again at the next),
 * telling {@link SftpHealthIndicator} how each poll went: a poll counts as good only when neither
 * the listing nor any file's transfer or move failed.
 */
public class SftpPollStrategy extends RemoteFilePollingConsumerPollStrategy {

    private final SftpHealthIndicator health;
    private volatile boolean troubleThisPoll;

    public SftpPollStrategy(SftpHealthIndicator health) {
        this.health = health;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        troubleThisPoll = false;
        return super.begin(consumer, endpoint);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (!troubleThisPoll) {
            health.intakeUp();
        }
        super.commit(consumer, endpoint, polledMessages);
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        trouble(cause);
        return super.rollback(consumer, endpoint, retryCounter, cause);
    }

    /** A transfer, a move or the poll itself failed. */
    void trouble(Throwable cause) {
        troubleThisPoll = true;
        health.intakeDown(cause);
    }
}
