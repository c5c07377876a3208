package io.arauto.trigger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.config.ArautoProperties.Schedule;
import io.arauto.intake.CampaignIntake;
import io.arauto.intake.OpenIntake;
import io.arauto.intake.RejectedFileException;
import io.arauto.ledger.ScheduleLedger;
import io.arauto.ledger.ScheduleLedger.Outcome;
import io.arauto.optout.CrmDatabase;
import io.arauto.read.QueryRowSource;
import io.arauto.read.RowSource;
import io.arauto.read.UnreadableFileException;
import io.arauto.support.Exchanges;
import io.arauto.support.PhoneMask;

/**
 * One occurrence of a nightly schedule (route schedule-occurrence): taken in the ledger before anything runs, so no
 * restart, misfire or second instance runs it twice; skipped and audited when it would start later than its grace;
 * otherwise its audience query's rows become the campaign {@code <name>-<yyyy-MM-dd>} the way a file's rows do.
 */
@Component
public class ScheduledCampaigns {

    private static final Logger log = LoggerFactory.getLogger(ScheduledCampaigns.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd");

    private final Schedules schedules;
    private final ScheduleLedger occurrences;
    private final CampaignIntake intake;
    private final CrmDatabase crm;
    private final AuditLog audit;
    private final Clock clock;

    public ScheduledCampaigns(Schedules schedules, ScheduleLedger occurrences, CampaignIntake intake, CrmDatabase crm, AuditLog audit,
                              Clock clock) {
        this.schedules = schedules;
        this.occurrences = occurrences;
        this.intake = intake;
        this.crm = crm;
        this.audit = audit;
        this.clock = clock;
    }

    /** The campaign an occurrence makes: the schedule's name and the occurrence's date in the schedule's time zone. */
    public String campaignName(String name, Instant occurrence) {
        return name + "-" + DAY.format(occurrence.atZone(schedules.get(name).zone()));
    }

    /**
     * Starts the occurrence of schedule {@code name} due at {@code due}: its campaign, open, with the audience's rows to
     * read; or null when it is not to run (too late, or taken before).
     */
    public OpenIntake open(String name, Date due) throws RejectedFileException, IOException {
        Schedule schedule = schedules.get(name);
        Instant occurrence = due.toInstant();
        Duration late = Duration.between(occurrence, clock.instant());
        if (late.compareTo(schedule.getGrace()) > 0) {
            skip(name, schedule, occurrence, late);
            return null;
        }
        if (!occurrences.take(name, occurrence, Outcome.RUNNING, null)) {
            log.info("Schedule {}: the occurrence of {} was already run (or skipped or failed) by this or another instance; it is "
                    + "not run again", name, occurrence);
            return null;
        }
        String campaign = campaignName(name, occurrence);
        audit.record(AuditEvent.SCHEDULE_STARTED, null, details("schedule", name, "occurrence", occurrence.toString(),
                "campaign", campaign, "template", schedule.getTemplate(), "query", schedule.getAudienceQuery()));
        DataSource database = crm.dataSource().orElseThrow(); // Schedules refused to start without it
        RowSource rows = QueryRowSource.open(database, schedule.getAudienceQuery(),
                "The audience query (arauto.schedules." + name + ".audience-query)");
        OpenIntake open = intake.openRows(campaign, schedule.getTemplate(), Exchanges.SCHEDULE, "schedules/" + name, rows);
        occurrences.campaign(name, occurrence, open.campaignId());
        return open;
    }

    /** Every row of the occurrence's audience is in the ledger: its campaign goes out. */
    public long close(String name, Date due, OpenIntake open) throws RejectedFileException, IOException {
        Instant occurrence = due.toInstant();
        long campaignId = intake.closeRows(open, details("schedule", name, "occurrence", occurrence.toString(),
                "campaign", open.fileName()));
        occurrences.finish(name, occurrence, Outcome.DONE, null);
        return campaignId;
    }

    /**
     * The occurrence failed ({@code open} is null when its campaign was never opened): its campaign is dropped with its
     * rows, nothing of it is sent, and the ledger, the audit and the log say why. It is not run again.
     */
    public void failed(String name, Date due, OpenIntake open, Throwable cause) throws IOException {
        Instant occurrence = due.toInstant();
        String reason = reason(name, cause);
        if (open != null && !intake.dropRows(open)) { // accepted before what failed: it goes out
            occurrences.finish(name, occurrence, Outcome.DONE, null);
            log.warn("Schedule {}: campaign {} of the occurrence of {} was accepted and is being sent; only what came after failed: {}",
                    name, open.campaignId(), occurrence, PhoneMask.maskAll(reason));
            return;
        }
        occurrences.finish(name, occurrence, Outcome.FAILED, reason);
        audit.record(AuditEvent.SCHEDULE_FAILED, open == null ? null : open.campaignId(), details("schedule", name,
                "occurrence", occurrence.toString(), "reason", reason));
        log.warn("Schedule {}: the occurrence of {} failed and nobody is messaged for it (it is not run again): {}", name, occurrence,
                PhoneMask.maskAll(reason));
    }

    private void skip(String name, Schedule schedule, Instant occurrence, Duration late) {
        String reason = "It would have started " + words(late) + " after its time, more than its grace of "
                + words(schedule.getGrace()) + " (arauto.schedules." + name + ".grace), so nobody is messaged for it";
        if (!occurrences.take(name, occurrence, Outcome.SKIPPED, reason)) {
            return; // taken before: whatever became of it was said then
        }
        audit.record(AuditEvent.SCHEDULE_SKIPPED, null, details("schedule", name, "occurrence", occurrence.toString(),
                "late_seconds", late.toSeconds(), "grace_seconds", schedule.getGrace().toSeconds(), "reason", reason));
        log.warn("Schedule {}: the occurrence of {} is skipped. {}", name, occurrence, reason);
    }

    /** Why the occurrence of schedule {@code name} failed, in words for whoever runs Arauto. */
    static String reason(String name, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnreadableFileException) {
                return t.getMessage(); // it names the query
            }
            if (t instanceof RejectedFileException) { // the checks a file's header and template get, worded for a file
                return "The rows of the audience query (arauto.schedules." + name + ".audience-query) cannot make a campaign: "
                        + t.getMessage();
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessException || t instanceof TransactionException) {
                return "Arauto's ledger (the database where it keeps every campaign and message) could not be written while the "
                        + "audience was read; nothing of it will be sent";
            }
        }
        log.warn("A schedule's occurrence failed with an unexpected error ({})",
                org.springframework.core.NestedExceptionUtils.getMostSpecificCause(cause).getClass().getName());
        return "Arauto could not make the campaign because of an unexpected error on its side; nothing of it will be sent. "
                + "If the next occurrence fails the same way, ask whoever runs Arauto";
    }

    /** {@code 2 h 5 min}, {@code 40 s}. */
    static String words(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
