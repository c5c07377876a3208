package io.arauto.optout;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health}'s "crm", when a CRM database is configured: UP while a connection to it is valid, DOWN with
 * the reason otherwise (opt-outs from the CRM cannot be checked then: files are refused and sending waits).
 */
@Component
@ConditionalOnExpression("'${arauto.crm.datasource.url:}' != ''")
public class CrmHealthIndicator implements HealthIndicator {

    private final CrmDatabase crm;

    public CrmHealthIndicator(CrmDatabase crm) {
        this.crm = crm;
    }

    @Override
    public Health health() {
        var dataSource = crm.dataSource().orElse(null);
        if (dataSource == null) {
            return Health.unknown().build();
        }
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                return Health.up().withDetail("url", crm.displayUrl()).build();
            }
            return down("it did not answer within 2 s");
        } catch (SQLException e) {
            return down(e.getMessage());
        }
    }

    private Health down(String why) {
        return Health.down().withDetail("url", crm.displayUrl()).withDetail("reason", "The CRM database (arauto.crm.datasource.url) "
                + "cannot be reached: " + why + ". The CRM's opt-outs cannot be checked meanwhile, so files are refused and sending "
                + "waits until it is back.").build();
    }
}
