package io.arauto.ledger;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The occurrences of the nightly schedules (table {@code schedule_occurrence}), keyed by schedule and
 * scheduled time: an occurrence is written before it runs, and the key refuses it a second time, whichever
 * instance, restart or misfire brings it again.
 */
@Component
public class ScheduleLedger {

    /** What became of an occurrence. */
    public enum Outcome { RUNNING, DONE, SKIPPED, FAILED }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ScheduleLedger(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Takes the occurrence of {@code schedule} at {@code occursAt}, as {@code outcome} (RUNNING, or SKIPPED when it is
     * too late), committed; false when it was taken before, by this instance or another: then it must not run.
     */
    public boolean take(String schedule, Instant occursAt, Outcome outcome, String reason) {
        Timestamp now = Timestamp.from(clock.instant());
        try {
            jdbc.update("insert into schedule_occurrence (schedule_name, occurs_at, status, reason, started_at, finished_at) "
                    + "values (?, ?, ?, ?, ?, ?)", schedule, Timestamp.from(occursAt), outcome.name(), truncate(reason), now,
                    outcome == Outcome.RUNNING ? null : now);
            return true;
        } catch (DuplicateKeyException taken) {
            return false;
        }
    }

    /** The campaign the occurrence opened. */
    public void campaign(String schedule, Instant occursAt, long campaignId) {
        jdbc.update("update schedule_occurrence set campaign_id = ? where schedule_name = ? and occurs_at = ?", campaignId, schedule,
                Timestamp.from(occursAt));
    }

    /** The occurrence is over: DONE, or FAILED with the reason. */
    public void finish(String schedule, Instant occursAt, Outcome outcome, String reason) {
        jdbc.update("update schedule_occurrence set status = ?, reason = ?, finished_at = ? where schedule_name = ? and occurs_at = ?",
                outcome.name(), truncate(reason), Timestamp.from(clock.instant()), schedule, Timestamp.from(occursAt));
    }

    /**
     * Occurrences an Arauto that stopped left RUNNING (taken before {@code staleBefore}, their campaign never opened or
     * dropped since) are FAILED: nothing of them was sent, and they are not run again. Returns how many.
     */
    public int failAbandoned(Instant staleBefore) {
        return jdbc.update("update schedule_occurrence set status = ?, reason = ?, finished_at = ? where status = ? and started_at < ? "
                        + "and (campaign_id is null or campaign_id in (select id from campaign where status = 'REJECTED'))",
                Outcome.FAILED.name(), "Arauto stopped while the audience was being read; nothing of it was sent, and the occurrence "
                        + "is not run again", Timestamp.from(clock.instant()), Outcome.RUNNING.name(), Timestamp.from(staleBefore));
    }

    /** The latest occurrence of a schedule the ledger holds, whatever became of it; empty when it never had one. */
    public Optional<Instant> last(String schedule) {
        Timestamp last = jdbc.queryForObject("select max(occurs_at) from schedule_occurrence where schedule_name = ?", Timestamp.class,
                schedule);
        return Optional.ofNullable(last).map(Timestamp::toInstant);
    }

    /** An occurrence as the ledger holds it; {@code campaignId} is null until its campaign was opened. */
    public record Occurrence(Instant occursAt, Outcome outcome, Long campaignId, String reason) { }

    /** The latest occurrence of a schedule, whatever became of it; empty when it never had one. */
    public Optional<Occurrence> latest(String schedule) {
        return jdbc.query("select occurs_at, status, campaign_id, reason from schedule_occurrence where schedule_name = ? "
                + "order by occurs_at desc limit 1", (rs, row) -> new Occurrence(rs.getTimestamp(1).toInstant(),
                Outcome.valueOf(rs.getString(2)), rs.getObject(3) == null ? null : rs.getLong(3), rs.getString(4)), schedule)
                .stream().findFirst();
    }

    /** The occurrences of a schedule, oldest first. */
    public List<Occurrence> occurrences(String schedule) {
        return jdbc.query("select occurs_at, status, campaign_id, reason from schedule_occurrence where schedule_name = ? "
                + "order by occurs_at", (rs, row) -> new Occurrence(rs.getTimestamp(1).toInstant(), Outcome.valueOf(rs.getString(2)),
                rs.getObject(3) == null ? null : rs.getLong(3), rs.getString(4)), schedule);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }
}
