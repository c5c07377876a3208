package io.arauto.send;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code sender}: whether this instance is the active sender, and
 * since when. Standing by is healthy: another instance sends, and this one takes over if that one stops.
 */
@Component
public class SenderHealthIndicator implements HealthIndicator {

    private final ActiveSender sender;

    public SenderHealthIndicator(ActiveSender sender) {
        this.sender = sender;
    }

    @Override
    public Health health() {
        boolean active = sender.leading();
        return Health.up()
                .withDetail("active", active)
                .withDetail("since", sender.since().toString())
                .withDetail("role", active
                        ? "This instance sends the queued messages of every instance on this ledger."
                        : "Standing by: another instance sends; this one takes over if that one stops.")
                .build();
    }
}
