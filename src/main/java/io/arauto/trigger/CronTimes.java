package io.arauto.trigger;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.TimeZone;

import org.quartz.CronExpression;

/** The times of a Quartz cron, as Quartz itself computes them. */
final class CronTimes {

    private CronTimes() {
    }

    private static CronExpression expression(String cron, ZoneId zone) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // Schedules refused it at start
        }
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        return expression;
    }

    /** The cron's first time after {@code after}; empty when it has none left (a cron with a past year). */
    static java.util.Optional<Instant> next(String cron, ZoneId zone, Instant after) {
        CronExpression expression = expression(cron, zone);
        return java.util.Optional.ofNullable(expression.getNextValidTimeAfter(Date.from(after))).map(Date::toInstant);
    }

    /** The cron's times after {@code after} up to {@code until} (included), in order; at most the {@code max} latest of them. */
    static List<Instant> between(String cron, ZoneId zone, Instant after, Instant until, int max) {
        CronExpression expression = expression(cron, zone);
        Deque<Instant> times = new ArrayDeque<>();
        for (Date next = expression.getNextValidTimeAfter(Date.from(after));
             next != null && !next.toInstant().isAfter(until);
             next = expression.getNextValidTimeAfter(next)) {
            if (times.size() == max) {
                times.removeFirst();
            }
            times.addLast(next.toInstant());
        }
        return List.copyOf(times);
    }
}
