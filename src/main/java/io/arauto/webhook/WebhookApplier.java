package io.arauto.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.ledger.GroupCommit;
import io.arauto.ledger.WebhookEvents;
import io.arauto.ledger.WebhookEvents.Due;
import io.arauto.ledger.WebhookEvents.Stored;
import io.arauto.support.PhoneMask;
import io.arauto.webhook.WebhookContent.PreferenceChange;

/**
 * Applies a stored webhook event: its statuses, replies and preference changes, and its applied
 * mark, in one transaction, so an event is applied exactly once however often it is offered (the
 * request that stored it, the sweeper after a crash, a second instance). Meta's calls are stored
 * and applied in the same commit ({@link #receive}), shared by the calls answered at the same
 * moment. Events the ledger could not apply stay unapplied and are offered again by the sweeper
 * (route {@code webhook-events}).
 */
@Component
public class WebhookApplier {

    private static final long ROUND_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** Events applied a week ago are forgotten once a minute, not at every round. */
    private static final long FORGET_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private long forgotAt = System.nanoTime() - FORGET_EVERY_NANOS;
    private volatile boolean stopping;

    private static final Logger log = LoggerFactory.getLogger(WebhookApplier.class);
    /** Meta's code for a number that stopped marketing messages. */
    static final String MARKETING_STOPPED = "131050";
    /** Applied events are kept this long, for whoever wants to look at what came in. */
    static final Duration KEEP_APPLIED = Duration.ofDays(7);
    private static final int BATCH = 500;

    private final WebhookEvents events;
    private final MetaWebhookReader reader;
    private final StatusTracker statuses;
    private final ReplyTracker replies;
    private final OptOutSignals optOuts;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** The calls answered now share their transactions: under load one commit stores and applies many calls. */
    private final GroupCommit<Due, Long> received;

    public WebhookApplier(WebhookEvents events, MetaWebhookReader reader, StatusTracker statuses, ReplyTracker replies,
                          OptOutSignals optOuts, TransactionTemplate tx, Clock clock) {
        this.events = events;
        this.reader = reader;
        this.statuses = statuses;
        this.replies = replies;
        this.optOuts = optOuts;
        this.tx = tx;
        this.clock = clock;
        this.received = new GroupCommit<>(tx, this::storeAndApply);
    }

    /**
     * Stores Meta's call (its body as it came) and applies it, in one commit: once this returns, the event is
     * durable and applied, exactly once (its row is written already applied). Calls answered at the same moment
     * share the commit (each alone again if one of them fails). Returns the event's id; throws when the ledger
     * took nothing (then the caller may store the call alone, for the sweeper to apply from {@code dueAt} on).
     */
    public long receive(String payload, Instant dueAt) throws InterruptedException {
        return received.submit(new Due(payload, dueAt));
    }

    private List<Long> storeAndApply(List<Due> calls) {
        Instant now = clock.instant();
        List<Long> ids = events.insert(WebhookEvents.META, calls, now, now);
        List<Stored> stored = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            stored.add(new Stored(ids.get(i), WebhookEvents.META, calls.get(i).payload()));
        }
        applyContents(stored);
        return ids;
    }

    /**
     * Applies event {@code id} (whose body is {@code payload}) unless it was applied already; false then (the
     * sweeper's way, and another instance's, with a stored event). One transaction.
     */
    public boolean apply(long id, String payload) {
        return Boolean.TRUE.equals(tx.execute(t -> applyEach(List.of(new Stored(id, WebhookEvents.META, payload))).get(0)));
    }

    /**
     * Applies the events that were not applied yet, all in one transaction (one commit for a busy
     * sandbox's hundreds of reports); returns how many it applied. A body that cannot be read is
     * marked applied and changes nothing.
     */
    private int applyAll(List<Stored> batch) {
        List<Boolean> applied = tx.execute(t -> applyEach(batch));
        return applied == null ? 0 : (int) applied.stream().filter(Boolean::booleanValue).count();
    }

    /** Applies the events of {@code batch} not applied yet, in the caller's transaction: whether each was applied now. */
    private List<Boolean> applyEach(List<Stored> batch) {
        List<Boolean> applied = new ArrayList<>(batch.size());
        List<Stored> now = new ArrayList<>(batch.size());
        for (Stored event : batch) {
            boolean mine = events.markApplied(event.id());
            applied.add(mine);
            if (mine) {
                now.add(event); // else applied already, or being applied by someone else (the row waits for them)
            }
        }
        applyContents(now);
        return applied;
    }

    /** Applies what the events of {@code batch}, marked applied in the caller's transaction, say. */
    private void applyContents(List<Stored> batch) {
        List<StatusUpdate> statusUpdates = new ArrayList<>();
        List<WebhookContent> contents = new ArrayList<>();
        for (Stored event : batch) {
            try {
                WebhookContent content = reader.read(event.payload());
                statusUpdates.addAll(content.statuses());
                contents.add(content);
            } catch (IllegalArgumentException e) {
                // signed by Meta (or written by the sandbox) but unreadable: kept as it came, never offered again
                log.warn("Webhook event {} could not be read and changes nothing: {}", event.id(), e.getMessage());
            }
        }
        statuses.applyAll(statusUpdates);
        for (WebhookContent content : contents) {
            content.statuses().stream()
                    .filter(s -> MARKETING_STOPPED.equals(s.code()) && s.recipient() != null)
                    .forEach(s -> optOuts.marketingStop(s.recipient(), "meta-" + MARKETING_STOPPED, s.at()));
            content.replies().forEach(replies::apply);
            content.preferences().forEach(this::preference);
        }
    }

    private void preference(PreferenceChange change) {
        if (change.phone() == null || change.value() == null) {
            return;
        }
        switch (change.value()) {
            case "stop" -> optOuts.marketingStop(change.phone(), "user_preferences", change.at());
            case "resume" -> optOuts.marketingResume(change.phone(), "user_preferences", change.at());
            default -> log.info("Preference '{}' of {} for {} is not one Arauto follows", change.value(), PhoneMask.mask(change.phone()),
                    change.category());
        }
    }

    /**
     * The sweeper (route {@code webhook-events}, on the active sender): applies the stored events
     * that are due and not applied yet (the sandbox's reports when their time comes; Meta's calls
     * whose applying failed, stored alone), and forgets applied events older than a week. Returns how many it applied.
     */
    public int applyDue() {
        if (!events.worthALook()) {
            return 0; // nothing stored here is due yet: the ledger is asked at most every few seconds (WebhookEvents)
        }
        events.lookBegins();
        int applied = 0;
        List<Stored> due;
        // a second of work per round at most, and none once Arauto stops: a long backlog never holds a stop up
        long until = System.nanoTime() + ROUND_NANOS;
        do {
            due = events.due(BATCH);
            applied += applyAll(due);
        } while (due.size() == BATCH && !stopping && System.nanoTime() < until);
        events.lookEnds();
        if (!stopping && System.nanoTime() - forgotAt >= FORGET_EVERY_NANOS) {
            events.forgetAppliedBefore(clock.instant().minus(KEEP_APPLIED));
            forgotAt = System.nanoTime();
        }
        return applied;
    }

    /** Arauto is stopping: the sweeper's round ends after the batch in hand; what is left is applied on the next start. */
    @org.springframework.context.event.EventListener(org.springframework.context.event.ContextClosedEvent.class)
    public void stop() {
        stopping = true;
    }
}
