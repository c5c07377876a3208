package io.arauto.trigger;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * One route per configured schedule, {@code schedule-<name>}, made from the route template {@code schedule} of
 * routes/schedules.camel.yaml (the cron in its Quartz endpoint): YAML cannot repeat a route for each entry of a map.
 */
@Component
public class ScheduleRoutes extends RouteBuilder {

    private final Schedules schedules;

    public ScheduleRoutes(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public void configure() {
        schedules.all().forEach((name, schedule) -> templatedRoute("schedule")
                .routeId("schedule-" + name)
                .parameter("name", name)
                .parameter("cron", schedule.getCron())
                .parameter("timeZone", schedule.zone().getId()));
    }
}
