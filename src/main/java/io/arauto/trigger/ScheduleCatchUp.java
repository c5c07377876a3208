package io.arauto.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties.Schedule;
import io.arauto.ledger.ScheduleLedger;
import io.arauto.support.Exchanges;

/**
 * The route policy {@code scheduleCatchUp} of the schedule routes: each time one starts (Arauto started, or this
 * instance became the active sender), the occurrences its schedule missed since the last one the ledger holds are handed
 * to schedule-occurrence, oldest first, on a thread of their own. There each runs if it is still within its grace and
 * is skipped and audited if not; one that did run (here or on another instance) is not run again. A schedule that never
 * ran has nothing to catch up.
 */
@Component("scheduleCatchUp")
public class ScheduleCatchUp extends RoutePolicySupport {

    private static final Logger log = LoggerFactory.getLogger(ScheduleCatchUp.class);
    static final String ROUTE_PREFIX = "schedule-";
    /** Missed occurrences looked at: those of the last week... */
    static final Duration LOOK_BACK = Duration.ofDays(7);
    /** ...at most this many of the latest, each kept in the ledger and the audit as skipped when too late. */
    static final int MAX_MISSED = 100;

    private final Schedules schedules;
    private final ScheduleLedger occurrences;
    private final Clock clock;
    private volatile ExecutorService executor;
    private volatile ProducerTemplate producer;

    public ScheduleCatchUp(Schedules schedules, ScheduleLedger occurrences, Clock clock) {
        this.schedules = schedules;
        this.occurrences = occurrences;
        this.clock = clock;
    }

    @Override
    public synchronized void onInit(Route route) {
        super.onInit(route);
        if (executor == null) {
            executor = route.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "schedule-catch-up");
            producer = route.getCamelContext().createProducerTemplate();
        }
    }

    @Override
    public void onStart(Route route) {
        String name = route.getRouteId().substring(ROUTE_PREFIX.length());
        executor.submit(() -> catchUp(name));
    }

    /** Hands the missed occurrences of schedule {@code name} to schedule-occurrence. */
    void catchUp(String name) {
        try {
            Schedule schedule = schedules.get(name);
            Optional<Instant> last = occurrences.last(name);
            if (last.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            Instant from = last.get().isBefore(now.minus(LOOK_BACK)) ? now.minus(LOOK_BACK) : last.get();
            List<Instant> missed = CronTimes.between(schedule.getCron(), schedule.zone(), from, now, MAX_MISSED);
            if (missed.isEmpty()) {
                return;
            }
            log.info("Schedule {}: {} occurrence(s) came while it was not running here (the first at {}); each runs now if it is "
                    + "within its grace, and is skipped if not", name, missed.size(), missed.get(0));
            for (Instant occurrence : missed) {
                producer.sendBodyAndHeaders("direct:schedule-occurrence", null,
                        Map.of(Exchanges.SCHEDULE_NAME, name, Exchanges.OCCURRENCE, Date.from(occurrence)));
            }
        } catch (RuntimeException e) { // the next start tries again; the schedule's own times go on meanwhile
            log.warn("Schedule {}: the occurrences it missed could not be looked at ({}); they are looked at again when it next starts",
                    name, e.getMessage());
        }
    }
}
