package io.arauto.send;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.MessageLedger;

/**
 * The messages claimed whose outcome is not recorded yet: their requests are out. On a stop
 * (SIGTERM) nothing new is claimed, and this waits for these to be answered and recorded, at most
 * the provider's read timeout, before the ledger closes: a clean stop leaves nothing SENDING.
 */
@Component
public class SendsInFlight implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SendsInFlight.class);

    private final Object lock = new Object();
    private final Duration patience;
    private int out;

    /** {@code ledger}: this bean is destroyed before the ledger, so the outcomes it waits for can still be written. */
    public SendsInFlight(ArautoProperties properties, MessageLedger ledger) {
        this.patience = properties.getProvider().getCloudApi().getReadTimeout().plusSeconds(5);
    }

    public void claimed() {
        synchronized (lock) {
            out++;
        }
    }

    /** Called by the send route once a claimed message's outcome is recorded (or could not be). */
    public void done() {
        synchronized (lock) {
            out--;
            lock.notifyAll();
        }
    }

    public int out() {
        synchronized (lock) {
            return out;
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int waitedFor = out();
        synchronized (lock) {
            while (out > 0 && System.nanoTime() < deadline) {
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            if (out == 0) {
                log.info("Sending stopped: every request in flight was answered{}; messages not yet sent stay QUEUED for the next start",
                        waitedFor == 0 ? "" : " (" + waitedFor + " waited for)");
            } else {
                log.warn("Sending stopped with {} requests still unanswered after {} s; those messages will show UNCERTAIN", out,
                        patience.toSeconds());
            }
        }
    }
}
