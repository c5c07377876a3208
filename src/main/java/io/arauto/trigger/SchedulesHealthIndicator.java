package io.arauto.trigger;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.ScheduleLedger;

/**
 * {@code /actuator/health}'s "schedules", present only when {@code arauto.schedules.*} configures any: per schedule its
 * cron, time zone, next fire time and its last occurrence (when, its state, its campaign, its reason, from
 * {@code schedule_occurrence}). UP, or DOWN while the last occurrence of any schedule FAILED, with that reason: nobody was
 * messaged for it, and it is not run again.
 */
@Component
@Conditional(SchedulesHealthIndicator.SchedulesConfigured.class)
public class SchedulesHealthIndicator implements HealthIndicator {

    private final ArautoProperties properties;
    private final ScheduleLedger occurrences;
    private final Clock clock;

    public SchedulesHealthIndicator(ArautoProperties properties, ScheduleLedger occurrences, Clock clock) {
        this.properties = properties;
        this.occurrences = occurrences;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Map<String, Object> schedules = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        new TreeMap<>(properties.getSchedules()).forEach((name, schedule) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("cron", schedule.getCron());
            details.put("timeZone", schedule.zone().getId());
            details.put("nextFireAt", CronTimes.next(schedule.getCron(), schedule.zone(), now).map(Instant::toString)
                    .orElse("never: the cron has no time left"));
            occurrences.latest(name).ifPresentOrElse(last -> {
                Map<String, Object> occurrence = new LinkedHashMap<>();
                occurrence.put("occursAt", last.occursAt().toString());
                occurrence.put("state", last.outcome().name());
                if (last.campaignId() != null) {
                    occurrence.put("campaignId", last.campaignId());
                }
                if (last.reason() != null) {
                    occurrence.put("reason", last.reason());
                }
                details.put("lastOccurrence", occurrence);
                if (last.outcome() == ScheduleLedger.Outcome.FAILED) {
                    failed.put(name, "The last occurrence of schedule '" + name + "' (" + last.occursAt() + ") FAILED: "
                            + (last.reason() == null ? "no reason was recorded" : last.reason())
                            + ". Nobody was messaged for it and it is not run again; the next one is at " + details.get("nextFireAt") + ".");
                }
            }, () -> details.put("lastOccurrence", "none yet"));
            schedules.put(name, details);
        });
        Health.Builder health = failed.isEmpty() ? Health.up() : Health.down().withDetail("reason", String.join(" ", failed.values()));
        return health.withDetails(schedules).build();
    }

    /** True when {@code arauto.schedules} holds at least one schedule. */
    static class SchedulesConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment()).bind("arauto.schedules", Bindable.mapOf(String.class, Object.class))
                    .map(map -> !map.isEmpty()).orElse(false);
        }
    }
}
