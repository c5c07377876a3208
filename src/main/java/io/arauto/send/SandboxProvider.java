package io.arauto.send;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.template.TemplateMessage;
import io.arauto.verdict.MessageStatus;

/**
 * The built-in stand-in for WhatsApp: takes every message, and a moment later reports it
 * delivered, then read, so the whole loop runs without an account.
 */
@Component
public class SandboxProvider implements MessageProvider {

    private final DelayQueue<Pending> pending = new DelayQueue<>();
    private final ArautoProperties.Sandbox settings;
    private final Clock clock;

    public SandboxProvider(ArautoProperties properties, Clock clock) {
        this.settings = properties.getProvider().getSandbox();
        this.clock = clock;
    }

    @Override
    public SendOutcome send(TemplateMessage message, String callbackData) {
        String id = "wamid.SANDBOX." + UUID.randomUUID();
        long now = System.nanoTime();
        pending.add(new Pending(id, MessageStatus.DELIVERED, now + settings.getDeliveredAfter().toNanos()));
        pending.add(new Pending(id, MessageStatus.READ, now + settings.getReadAfter().toNanos()));
        return new SendOutcome.Accepted(id);
    }

    /** The status reports that are due by now, at most 5,000 at a time (one commit). */
    public List<StatusUpdate> dueStatuses() {
        List<Pending> due = new ArrayList<>();
        pending.drainTo(due, 5_000);
        Instant at = clock.instant();
        return due.stream().map(p -> new StatusUpdate(p.messageId, p.status, at, null, null)).toList();
    }

    private record Pending(String messageId, MessageStatus status, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Pending) other).dueNanos);
        }
    }
}
