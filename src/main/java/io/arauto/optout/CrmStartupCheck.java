package io.arauto.optout;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * At start, with {@code arauto.optout.query} set or a schedule configured: the CRM database must be configured and
 * reachable, or Arauto refuses to start, naming the property (every file would otherwise be refused, sending would wait,
 * or a night's occurrence would fail, found out only later). The trigger table checks its own at start
 * (io.arauto.intake.crm.CrmRequestTable).
 * A CRM that goes away later is handled where it is read, and shows on health ({@link CrmHealthIndicator}).
 */
@Component
public class CrmStartupCheck implements InitializingBean {

    private final ArautoProperties properties;
    private final CrmDatabase crm;

    public CrmStartupCheck(ArautoProperties properties, CrmDatabase crm) {
        this.properties = properties;
        this.crm = crm;
    }

    @Override
    public void afterPropertiesSet() {
        String query = properties.getOptout().getQuery();
        String versionQuery = properties.getOptout().getCrmVersionQuery();
        if ((query == null || query.isBlank()) && versionQuery != null && !versionQuery.isBlank()) {
            throw new InvalidConfigurationPropertyValueException("arauto.optout.crm-version-query", versionQuery, "it tells whether "
                    + "the CRM's opt-out list changed, but there is no list: arauto.optout.query is not set. Set that query too, "
                    + "or leave arauto.optout.crm-version-query out");
        }
        if (query != null && !query.isBlank()) {
            crm.requireReachable("arauto.optout.query");
        }
        // a schedule without a CRM database at all is refused by io.arauto.trigger.Schedules, naming its key; here, one that is away
        String schedule = properties.getSchedules().keySet().stream().sorted().findFirst().orElse(null);
        if (schedule != null && crm.configured()) {
            crm.requireReachable("arauto.schedules." + schedule + ".audience-query");
        }
    }
}
