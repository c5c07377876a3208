package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * Whether this instance is the one that sends. Of the instances sharing a ledger exactly one holds the
 * sender lock (config.SenderElectionConfig); only that one takes queued messages and applies the sandbox's
 * reports (routes with the routePolicy {@code activeSenderOnly}), so the rate holds for all of them together.
 * Intake, reports and the ledger watchdog run everywhere. The log says it once each time the lead comes or goes.
 */
@Component
public class ActiveSender {

    private static final Logger log = LoggerFactory.getLogger(ActiveSender.class);

    private record State(boolean leading, Instant since) { }

    private final Clock clock;
    private final Duration lease;
    private volatile State state;

    public ActiveSender(Clock clock, ArautoProperties properties) {
        this.clock = clock;
        this.lease = properties.getLeader().getLease();
        this.state = new State(false, clock.instant());
    }

    /** Runs before ActiveSenderOnly hears of it, so the routes it starts find this instance leading. */
    @EventListener(OnGrantedEvent.class)
    @Order(0)
    public void granted() {
        state = new State(true, clock.instant());
        log.info("This instance is now the active sender: it sends the queued messages of every instance on this ledger");
    }

    @EventListener(OnRevokedEvent.class)
    @Order(0)
    public void revoked() {
        state = new State(false, clock.instant());
        log.info("This instance is no longer the active sender; an instance that holds the lead sends (this one takes over "
                + "when the lead has not been renewed for {} s)", lease.toSeconds());
    }

    public boolean leading() {
        return state.leading;
    }

    /** When this instance last became, or stopped being, the active sender (or started, if it never led). */
    public Instant since() {
        return state.since;
    }
}
