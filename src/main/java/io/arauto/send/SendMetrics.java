package io.arauto.send;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.verdict.MessageStatus;

/**
 * Sending as {@code /actuator/prometheus} shows it: the messages of the campaigns still sending by
 * status and the queue (from the ledger, read at most every few seconds), attempts by outcome and
 * Meta's code, the provider's answer time, the daily budget, and whether sending is paused and why.
 * The send path reports each attempt ({@link #attempt}) and each answer time ({@link #latency});
 * whatever can pause sending registers its cause ({@link #pausedWhen}).
 */
@Component
public class SendMetrics {

    private static final long CACHED_NANOS = Duration.ofSeconds(5).toNanos();

    private final MeterRegistry registry;
    private final CampaignLedger campaigns;
    private final Timer latency;
    private volatile Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
    private volatile long countedNanos;
    private volatile boolean counted;

    public SendMetrics(MeterRegistry registry, CampaignLedger campaigns, DailyTier tier, LedgerHealthIndicator ledger) {
        this.registry = registry;
        this.campaigns = campaigns;
        this.latency = Timer.builder("arauto.send.provider.latency").description("Time the provider took to answer a send request")
                .publishPercentileHistogram().register(registry);
        for (MessageStatus status : MessageStatus.values()) {
            Gauge.builder("arauto.messages", this, m -> m.count(status)).tag("status", status.name())
                    .description("Messages of the campaigns still sending, by status").register(registry);
        }
        Gauge.builder("arauto.send.queue.depth", this, m -> m.count(MessageStatus.QUEUED))
                .description("Messages QUEUED to be sent (due now or waiting for their time)").register(registry);
        if (tier.limits()) {
            Gauge.builder("arauto.send.daily.limit", tier, DailyTier::limit)
                    .description("Unique recipients allowed per rolling 24 hours (arauto.send.daily-limit)").register(registry);
            Gauge.builder("arauto.send.daily.remaining", tier, SendMetrics::remaining)
                    .description("New recipients that may still get a message in the current 24 hours").register(registry);
            pausedWhen("daily-limit", () -> remaining(tier) == 0);
        }
        pausedWhen("ledger", () -> !ledger.isUp());
    }

    /** One request's outcome ({@code accepted}, {@code rejected}, {@code unknown}, {@code not_sent}, …) and Meta's code, or null. */
    public void attempt(String outcome, String code) {
        Counter.builder("arauto.send.attempts").description("Send attempts by outcome and the provider's error code")
                .tag("outcome", outcome).tag("code", code == null || code.isBlank() ? "none" : code).register(registry).increment();
    }

    /** As {@link #attempt(String, String)}, for what the provider made of a request. */
    public void attempt(SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Accepted) {
            attempt("accepted", null);
        } else if (outcome instanceof SendOutcome.Rejected rejected) {
            attempt("rejected", rejected.code());
        } else if (outcome instanceof SendOutcome.Unknown) {
            attempt("unknown", null);
        } else if (outcome instanceof SendOutcome.NotSent) {
            attempt("not_sent", null);
        }
    }

    /** How long the provider took to answer one request. */
    public void latency(Duration took) {
        latency.record(took);
    }

    /**
     * A reason sending can be paused, as {@code arauto_send_paused{cause="…"}}: 1 while
     * {@code paused} says so, else 0. Its plain-words reason belongs on the health.
     */
    public void pausedWhen(String cause, BooleanSupplier paused) {
        Gauge.builder("arauto.send.paused", paused, p -> p.getAsBoolean() ? 1 : 0).tag("cause", cause).strongReference(true)
                .description("1 while sending is paused for this cause").register(registry);
    }

    /** What is left of the tier, or NaN (no value) while the ledger cannot be read. */
    private static double remaining(DailyTier tier) {
        try {
            return tier.recent().remaining();
        } catch (DataAccessException e) {
            return Double.NaN;
        }
    }

    private int count(MessageStatus status) {
        refresh();
        return counts.getOrDefault(status, 0);
    }

    /** The campaigns still sending, counted again when the last count is a few seconds old (each one range of the key). */
    private synchronized void refresh() {
        if (counted && System.nanoTime() - countedNanos < CACHED_NANOS) {
            return;
        }
        try {
            Map<MessageStatus, Integer> total = new EnumMap<>(MessageStatus.class);
            for (long campaign : campaigns.active()) {
                campaigns.counts(campaign).forEach((status, n) -> total.merge(status, n, Integer::sum));
            }
            counts = total;
        } catch (DataAccessException e) {
            // the ledger is away (its health says so): the last counts stand until it is back
        }
        counted = true;
        countedNanos = System.nanoTime();
    }
}
