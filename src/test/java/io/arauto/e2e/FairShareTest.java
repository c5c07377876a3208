package io.arauto.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.MessageLedger;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 4: campaigns share the pace. A 2-row file that arrives behind a big campaign is
 * sent within the next batches, not after the big one: batches are filled across the campaigns in
 * turns. (Before, the oldest campaign with messages due took every batch until it was done.)
 */
class FairShareTest extends ArautoTestBase {

    static final int BIG = 3_000;

    @Autowired
    CampaignLedger campaigns;
    @Autowired
    MessageLedger messages;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aSmallFileBehindABigCampaignGoesWithinTheNextBatchesNotAfterIt() {
        long big = campaign("grande.csv", 9630_00000L, BIG);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(big, "SENT") > 0);
        long small = campaign("pequena.csv", 9631_00000L, 2);

        Map<String, Object> whenSmallWasDone = await().atMost(Duration.ofSeconds(60)).until(
                () -> jdbc.queryForMap("select (select count(*) from message where campaign_id = ? and status = 'SENT') small_sent, "
                        + "(select count(*) from message where campaign_id = ? and status = 'QUEUED') big_queued from ledger_probe",
                        small, big),
                row -> ((Number) row.get("small_sent")).intValue() == 2);
        // a batch at the test's rate holds 200 messages, and two are being sent while the next is taken: three batches' worth
        // of the big campaign at most went first
        assertThat(((Number) whenSmallWasDone.get("big_queued")).intValue())
                .as("messages of the big campaign still waiting when the small file's two were sent").isGreaterThan(BIG - 600);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(big, "SENT") == BIG);
    }

    private long campaign(String name, long firstNumber, int rows) {
        long id = campaigns.create(name, "aviso_simples", "test", "aviso_simples/" + name, name, List.of("phone", "name", "code"));
        List<JudgedRow> judged = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            String phone = "+5511" + (firstNumber + i);
            judged.add(new JudgedRow(2 + i, phone, phone, MessageStatus.QUEUED, null, List.of(phone, "Ana", String.valueOf(i))));
        }
        messages.insert(id, judged);
        campaigns.markRead(id, rows, true);
        return id;
    }

    private int count(long campaign, String status) {
        return jdbc.queryForObject("select count(*) from message where campaign_id = ? and status = ?", Integer.class, campaign, status);
    }
}
