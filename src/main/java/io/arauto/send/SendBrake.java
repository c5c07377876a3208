package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * What holds every sender of this instance back, whatever the campaign: Meta's rate limits (all
 * sending waits until a moment: Retry-After, or a growing back-off) and account errors (all
 * sending halts). A halt ends by itself: every {@code arauto.send.halt-probe-every} one message is
 * let through as a probe, and once Meta answers anything but an account error, sending goes on.
 * A restart starts unhalted too (say, with a new token). The queue and the senders ask here before
 * taking and claiming messages; the outcome recorder tells it what Meta answered.
 */
@Component
public class SendBrake {

    private static final Logger log = LoggerFactory.getLogger(SendBrake.class);

    /** Why all sending halted, since when, and when the next probe may go. */
    public record Halt(String reason, Instant since, Instant nextProbeAt) { }

    private final Clock clock;
    private final Duration probeEvery;
    private final Backoff backoff;
    private final AtomicInteger throttledInARow = new AtomicInteger();
    /** Campaigns paused while the batch now out was being sent: the ledger keeps them out of the next one. */
    private final Set<Long> pausedDuringBatch = ConcurrentHashMap.newKeySet();
    private volatile Instant heldUntil = Instant.EPOCH;
    private volatile String holdReason;
    private volatile Halt halt;

    public SendBrake(ArautoProperties properties, Clock clock) {
        this.clock = clock;
        this.probeEvery = properties.getSend().getHaltProbeEvery();
        this.backoff = new Backoff(properties.getSend().getRetryBackoff(), properties.getSend().getRetryBackoffMax());
    }

    /** Whether a batch may be taken now: not held, and not halted unless a probe is due. Changes nothing. */
    public boolean mayTakeBatch() {
        Instant now = clock.instant();
        if (now.isBefore(heldUntil)) {
            return false;
        }
        Halt h = halt;
        return h == null || !now.isBefore(h.nextProbeAt());
    }

    /** A new batch is being taken: campaigns paused during the last one are left out by the ledger from now on. */
    public void newBatch() {
        pausedDuringBatch.clear();
    }

    /**
     * Whether a message of {@code campaignId} may be claimed now. While halted, true once per
     * probe interval: that message is the probe (the caller must claim and send it).
     */
    public boolean mayClaim(long campaignId) {
        if (pausedDuringBatch.contains(campaignId)) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(heldUntil)) {
            return false;
        }
        if (halt == null) {
            return true;
        }
        synchronized (this) {
            Halt h = halt;
            if (h == null) {
                return true;
            }
            if (now.isBefore(h.nextProbeAt())) {
                return false;
            }
            halt = new Halt(h.reason(), h.since(), now.plus(probeEvery));
            log.info("Sending is halted ({}); one message goes as a probe", h.reason());
            return true;
        }
    }

    /**
     * Whether a message claimed a moment ago may still leave now that the throttle lets it: not if
     * its campaign paused meanwhile, Meta asked to slow down, or sending halted (unless it is the
     * probe). Changes nothing.
     */
    public boolean stillMayGo(long campaignId, boolean probe) {
        if (pausedDuringBatch.contains(campaignId) || clock.instant().isBefore(heldUntil)) {
            return false;
        }
        return probe || halt == null;
    }

    /**
     * Meta asked to slow down: every sender waits {@code retryAfter}, or without one a back-off
     * that grows while Meta keeps asking. Returns the moment sending may go on.
     */
    public Instant throttled(Duration retryAfter, String reason) {
        int inARow = throttledInARow.incrementAndGet();
        Instant until = clock.instant().plus(retryAfter != null ? retryAfter : backoff.after(inARow));
        holdAllUntil(until, reason);
        return until;
    }

    /** No message is claimed before {@code until} (a later hold already in place stays). */
    public synchronized void holdAllUntil(Instant until, String reason) {
        Instant now = clock.instant();
        if (!until.isAfter(heldUntil)) {
            return;
        }
        if (!now.isBefore(heldUntil)) {
            log.warn("All sending waits until {}: {}", until, reason);
        }
        heldUntil = until;
        holdReason = reason;
    }

    /** An account error: nothing is claimed but one probe per interval, until Meta takes a message again. */
    public synchronized void halt(String reason) {
        Instant now = clock.instant();
        Halt before = halt;
        halt = new Halt(reason, before == null ? now : before.since(), now.plus(probeEvery));
        if (before == null) {
            log.warn("All sending is halted: {}. Every {} s one message is tried; sending goes on by itself once Meta takes it, "
                    + "or after a restart.", reason, probeEvery.toSeconds());
        }
    }

    /**
     * Meta answered something other than an account error, so the account works: a halt ends.
     * {@code accepted}: it took the message, so a run of rate-limit answers is over too.
     */
    public void answered(boolean accepted) {
        if (accepted) {
            throttledInARow.set(0);
        }
        if (halt != null) {
            resume();
        }
    }

    /** Ends a halt: a probe was answered normally (or, later, an operator says the account is fixed). */
    public synchronized void resume() {
        Halt h = halt;
        if (h != null) {
            halt = null;
            log.info("Sending goes on: Meta answered normally (sending was halted since {}: {})", h.since(), h.reason());
        }
    }

    /** A campaign just paused: its messages in the batch now out are not claimed. */
    public void campaignPaused(long campaignId) {
        pausedDuringBatch.add(campaignId);
    }

    /** The halt now in force, or null. */
    public Halt halt() {
        return halt;
    }

    /** Until when all sending waits for Meta's rate limits (in the past when it does not). */
    public Instant heldUntil() {
        return heldUntil;
    }

    public String holdReason() {
        return holdReason;
    }

    public Duration probeEvery() {
        return probeEvery;
    }
}
