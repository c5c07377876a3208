package io.arauto.intake.sftp;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the SFTP poller does with a failure outside the route (a listing, a download, a move): the
 * health and its once-per-change log line say it, and a file whose download failed lets go of its
 * claim, so it is taken whole at a later poll (by this instance or another).
 */
public class SftpExceptionHandler implements ExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SftpExceptionHandler.class);

    private final SftpPollStrategy polls;
    private final SftpReadLockStrategy readLock;

    public SftpExceptionHandler(SftpPollStrategy polls, SftpReadLockStrategy readLock) {
        this.polls = polls;
        this.readLock = readLock;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        polls.trouble(exception);
        readLock.release(exchange);
        log.debug("SFTP: {}", message, exception);
    }
}
