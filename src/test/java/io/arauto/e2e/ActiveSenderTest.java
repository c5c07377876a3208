package io.arauto.e2e;

import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.send.MessageSender;
import io.arauto.send.SenderHealthIndicator;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only the active sender takes work: while this instance does not hold the sender lock the routes with the
 * policy activeSenderOnly (send-dispatch, webhook-events) are stopped, no message is claimed, and health
 * says it stands by; once it leads again, they run and the queued messages go.
 */
class ActiveSenderTest extends ArautoTestBase {

    private static final List<String> HEADER = List.of("phone", "name", "code");

    @Autowired
    LockRegistryLeaderInitiator election;
    @Autowired
    CamelContext camel;
    @Autowired
    SenderHealthIndicator health;
    @Autowired
    MessageSender sender;
    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void sendsOnlyWhileItLeads() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> active(health.health()));
        String to = "5511970009001";
        try {
            election.stop(); // as when another instance holds the lock
            await().atMost(Duration.ofSeconds(20)).until(() -> routeStatus("send-dispatch") == ServiceStatus.Stopped
                    && routeStatus("webhook-events") == ServiceStatus.Stopped);
            Health standingBy = health.health();
            assertThat(active(standingBy)).isFalse();
            assertThat(standingBy.getDetails().get("role")).asString().startsWith("Standing by");
            assertThat(sender.mayClaim()).as("a batch in hand claims nothing more once the lead is gone").isFalse();

            long campaign = campaign(row(2, "+" + to));
            assertThat(status(campaign)).isEqualTo("QUEUED");
            assertThat(routeStatus("send-dispatch")).isEqualTo(ServiceStatus.Stopped);

            election.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> "SENT".equals(status(campaign)));
            assertThat(requestsTo(to)).hasSize(1);
            assertThat(routeStatus("webhook-events")).isEqualTo(ServiceStatus.Started);
            Health leading = health.health();
            assertThat(active(leading)).isTrue();
            assertThat(leading.getDetails()).containsKey("since");
        } finally {
            election.start(); // the other tests of this context send
        }
    }

    private static boolean active(Health health) {
        return Boolean.TRUE.equals(health.getDetails().get("active"));
    }

    private ServiceStatus routeStatus(String id) {
        return camel.getRouteController().getRouteStatus(id);
    }

    private long campaign(JudgedRow... rows) {
        long id = campaigns.create("lead.csv", "aviso_simples", "test", "aviso_simples/lead.csv", "lead", HEADER);
        messages.insert(id, List.of(rows));
        campaigns.markRead(id, rows.length, true);
        return id;
    }

    private static JudgedRow row(int number, String e164) {
        return new JudgedRow(number, e164, e164, MessageStatus.QUEUED, null, List.of(e164, "Name", "C-" + number));
    }

    private String status(long campaign) {
        return jdbc.queryForObject("select status from message where campaign_id = ? and row_num = 2", String.class, campaign);
    }
}
