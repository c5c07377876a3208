package io.arauto.intake.crm;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.springframework.stereotype.Component;

/**
 * What the trigger table's poller does with a round that failed outside the route (the table could not be
 * read): {@link CrmRequestTable#failed} says it once, and the next round tries again.
 */
@Component("crmRequestsPollErrors")
public class CrmRequestsPollErrors implements ExceptionHandler, PollingConsumerPollStrategy {

    private final CrmRequestTable table;

    public CrmRequestsPollErrors(CrmRequestTable table) {
        this.table = table;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        table.failed(cause);
        return false; // no retry now: the next round comes after the poll delay
    }

    @Override
    public void handleException(Throwable exception) {
        table.failed(exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        table.failed(exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        table.failed(exception);
    }
}
