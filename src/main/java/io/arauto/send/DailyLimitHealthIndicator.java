package io.arauto.send;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.arauto.ledger.LedgerHealthIndicator;

/**
 * {@code /actuator/health} "dailyLimit": the tier and what is left of it. A spent tier is not a
 * fault (messages wait and go on by themselves), so it stays UP and says when sending resumes.
 */
@Component
public class DailyLimitHealthIndicator implements HealthIndicator {

    private final DailyTier tier;
    private final LedgerHealthIndicator ledger;

    public DailyLimitHealthIndicator(DailyTier tier, LedgerHealthIndicator ledger) {
        this.tier = tier;
        this.ledger = ledger;
    }

    @Override
    public Health health() {
        if (!tier.limits()) {
            return Health.up().withDetail("limit", "none").build();
        }
        if (!ledger.isUp()) { // asking it would wait for a connection: the health must answer at once
            return ledgerAway();
        }
        DailyTier.Budget budget;
        try {
            budget = tier.recent();
        } catch (DataAccessException e) {
            return ledgerAway();
        }
        Health.Builder health = Health.up().withDetail("limit", budget.limit())
                .withDetail("recipientsLast24h", budget.used()).withDetail("remaining", budget.remaining());
        if (budget.remaining() == 0 && budget.freesAt() != null) {
            health.withDetail("reason", tier.waitingReason(budget.freesAt()));
        }
        return health.build();
    }

    private Health ledgerAway() {
        return Health.unknown().withDetail("limit", tier.limit())
                .withDetail("reason", "The ledger cannot be read, so the recipients of the last 24 hours are not known.").build();
    }
}
