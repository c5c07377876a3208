package io.arauto.send;

import java.time.Clock;
import java.util.Map;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;

/**
 * {@code /actuator/health}'s "sending": DOWN while an account error halts all sending, with the
 * reason; UP otherwise, naming a wait Meta's rate limits impose and the campaigns paused by a
 * template error.
 */
@Component
public class SendingHealthIndicator implements HealthIndicator {

    private final SendBrake brake;
    private final CampaignLedger campaigns;
    private final Clock clock;
    private final LedgerHealthIndicator ledger;

    public SendingHealthIndicator(SendBrake brake, CampaignLedger campaigns, Clock clock, LedgerHealthIndicator ledger) {
        this.brake = brake;
        this.campaigns = campaigns;
        this.clock = clock;
        this.ledger = ledger;
    }

    @Override
    public Health health() {
        SendBrake.Halt halt = brake.halt();
        Health.Builder health = halt == null ? Health.up() : Health.down()
                .withDetail("reason", "All sending is halted: " + halt.reason() + ". No message is sent; one is tried every "
                        + brake.probeEvery().toSeconds() + " s, and sending goes on by itself once Meta takes it (or after a restart).")
                .withDetail("since", halt.since().toString())
                .withDetail("nextProbe", halt.nextProbeAt().toString());
        if (clock.instant().isBefore(brake.heldUntil())) {
            health.withDetail("waitingUntil", brake.heldUntil().toString()).withDetail("waitingBecause", brake.holdReason());
        }
        if (!ledger.isUp()) {
            return health.build(); // the ledger's own component says so; asking it would wait for a connection
        }
        try {
            Map<Long, String> paused = campaigns.paused();
            if (!paused.isEmpty()) {
                health.withDetail("pausedCampaigns", paused);
            }
        } catch (DataAccessException ledgerAway) {
            // the ledger's own component says so
        }
        return health.build();
    }
}
