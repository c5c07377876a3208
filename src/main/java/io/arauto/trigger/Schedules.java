package io.arauto.trigger;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

import org.quartz.CronExpression;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.config.ArautoProperties.Schedule;
import io.arauto.optout.CrmDatabase;
import io.arauto.template.TemplateCatalog;

/**
 * The nightly schedules of {@code arauto.schedules.<name>.*}, checked before any route starts: Arauto refuses to start
 * while one has a cron Quartz cannot read, no template or one the templates file does not hold, no audience query, or
 * no CRM database to run it on, naming the property and what is wrong.
 */
@Component
public class Schedules {

    /** The name goes into campaign names, route ids and Quartz's trigger names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final Map<String, Schedule> schedules;

    public Schedules(ArautoProperties properties, TemplateCatalog templates, CrmDatabase crm) {
        this.schedules = Map.copyOf(properties.getSchedules());
        List<String> problems = new ArrayList<>();
        properties.getSchedules().forEach((name, schedule) -> problems.addAll(problems(name, schedule, templates, crm)));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Arauto cannot start: " + String.join("; ", problems));
        }
    }

    /** The schedules by name. */
    public Map<String, Schedule> all() {
        return schedules;
    }

    public Schedule get(String name) {
        Schedule schedule = schedules.get(name);
        if (schedule == null) {
            throw new NoSuchElementException("No schedule named '" + name + "' is configured (arauto.schedules." + name + ")");
        }
        return schedule;
    }

    static List<String> problems(String name, Schedule schedule, TemplateCatalog templates, CrmDatabase crm) {
        String key = "arauto.schedules." + name;
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            problems.add(key + ": a schedule's name may hold only letters, digits, '-' and '_' (it names its campaigns, "
                    + "<name>-yyyy-MM-dd)");
        }
        String cron = schedule.getCron();
        if (cron == null || cron.isBlank()) {
            problems.add(key + ".cron is not set: say when the schedule runs, in Quartz's cron syntax (seconds minutes hours "
                    + "day-of-month month day-of-week), e.g. '0 0 2 * * ?' for 02:00 every day");
        } else {
            try {
                CronExpression.validateExpression(cron);
            } catch (ParseException e) {
                problems.add(key + ".cron '" + cron + "' is not a Quartz cron expression (" + e.getMessage() + "); it has six or "
                        + "seven fields, seconds minutes hours day-of-month month day-of-week [year], with '?' in one of the two "
                        + "day fields, e.g. '0 0 2 * * ?' for 02:00 every day");
            }
        }
        String template = schedule.getTemplate();
        if (template == null || template.isBlank()) {
            problems.add(key + ".template is not set: name the template the schedule sends, as in the templates file");
        } else {
            TemplateCatalog.Lookup lookup = templates.find(template);
            if (lookup.template() == null) {
                problems.add(key + ".template '" + template + "': " + lookup.problem());
            }
        }
        if (schedule.getAudienceQuery() == null || schedule.getAudienceQuery().isBlank()) {
            problems.add(key + ".audience-query is not set: the SQL run on the CRM database at each occurrence, whose first "
                    + "column is the phone and the others the template's variables by their labels");
        }
        if (crm.dataSource().isEmpty()) {
            problems.add(key + " runs its audience query on the CRM database, but arauto.crm.datasource.url is not set");
        }
        if (schedule.getGrace() == null || schedule.getGrace().isNegative() || schedule.getGrace().isZero()) {
            problems.add(key + ".grace must be more than 0 (default 1h): how late an occurrence may still start");
        }
        return problems;
    }
}
