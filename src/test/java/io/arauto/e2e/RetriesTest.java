package io.arauto.e2e;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A provider that keeps answering "try again" gets exactly arauto.send.max-attempts requests, then the message is FAILED. */
class RetriesTest extends ArautoTestBase {

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aMessageTheProviderKeepsThrottlingIsTriedMaxAttemptsTimesThenFailed() {
        String to = "5511970000071";
        CLOUD_API.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(to)))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")
                        .withBody("{\"error\":{\"message\":\"Service temporarily unavailable\",\"code\":2}}")));
        long campaign = campaigns.create("retries.csv", "aviso_simples", "test", "aviso_simples/retries.csv", "retries",
                List.of("phone", "name", "code"));
        messages.insert(campaign, List.of(new JudgedRow(2, "+" + to, "+" + to, MessageStatus.QUEUED, null, List.of("+" + to, "Ana", "1"))));
        campaigns.markRead(campaign, 1, true);

        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(status(campaign)));
        List<LoggedRequest> requests = requestsTo(to);
        assertThat(requests).hasSize(5); // arauto.send.max-attempts' default
        for (int i = 1; i < requests.size(); i++) {
            assertThat(Duration.between(requests.get(i - 1).getLoggedDate().toInstant(), requests.get(i).getLoggedDate().toInstant()))
                    .as("the wait the provider asked for before attempt %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        assertThat(jdbc.queryForObject("select attempts from message where campaign_id = ? and row_num = 2", Integer.class, campaign))
                .isEqualTo(5);
        assertThat(jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = 2", String.class, campaign))
                .contains("Service temporarily unavailable");
        await().atMost(Duration.ofSeconds(10)).until(() -> campaigns.find(campaign).orElseThrow().settledAt() != null);
    }

    private String status(long campaign) {
        return jdbc.queryForObject("select status from message where campaign_id = ? and row_num = 2", String.class, campaign);
    }
}
