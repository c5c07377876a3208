package io.arauto.send;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.LedgerHealthIndicator;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.support.SettableClock;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daily tier's two reads (which reserved numbers the ledger has, and the ledger's count) come from one snapshot: a
 * claim committed between them counts once. Counted twice, a campaign exactly the tier's size had its last message held
 * for a day (found by PaceAndCleanStopIT: 1,000 numbers, a tier of 1,000).
 */
class SendGateSnapshotTest {

    static final int LIMIT = 3;

    private final HikariDataSource dataSource = new HikariDataSource();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-06-01T15:00:00Z"));

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void aClaimCommittedBetweenTheTwoReadsCountsOnce() throws Exception {
        dataSource.setJdbcUrl("jdbc:h2:mem:gate-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUsername("sa");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        TransactionTemplate tx = new TransactionTemplate(transactions);
        ObjectMapper json = new ObjectMapper();
        CampaignLedger campaigns = new CampaignLedger(jdbc, tx, json, clock);
        long campaign = campaigns.create("tier.csv", "aviso_simples", "test", "aviso_simples/tier.csv", "tier.csv", List.of("phone"));
        List<String> to = List.of("+5511962000501", "+5511962000502", "+5511962000503");
        List<JudgedRow> rows = new ArrayList<>();
        List<QueuedMessage> queued = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            rows.add(new JudgedRow(i + 2, to.get(i), to.get(i), MessageStatus.QUEUED, null, List.of(to.get(i))));
            queued.add(new QueuedMessage(campaign, i + 2, to.get(i), 0, List.of(to.get(i))));
        }
        boolean[] claimBetweenTheReads = {false};
        MessageLedger messages = new MessageLedger(jdbc, tx, json, clock) {
            @Override
            public Set<String> requestedSince(Collection<String> phones, Instant since) {
                Set<String> requested = super.requestedSince(phones, since);
                if (claimBetweenTheReads[0]) {
                    claimBetweenTheReads[0] = false;
                    // the batch that holds row 2 claims it now, committed on a connection of its own
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            return markSending(campaign, 2);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }).join();
                }
                return requested;
            }
        };
        messages.insert(campaign, rows);
        assertThat(campaigns.markRead(campaign, rows.size(), true)).isTrue(); // ACTIVE: its messages may be claimed
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setDailyLimit(LIMIT);
        SendGate gate = new SendGate(new SendWindow(properties), new DailyTier(messages, clock, properties), messages, campaigns,
                new LedgerHealthIndicator(jdbc, tx, clock), clock, transactions);

        List<QueuedMessage> first = gate.admit(new ArrayList<>(queued.subList(0, 2)));
        assertThat(first).as("two new numbers of the three places").hasSize(2);
        claimBetweenTheReads[0] = true;
        List<QueuedMessage> second = gate.admit(new ArrayList<>(queued.subList(2, 3)));
        assertThat(claimBetweenTheReads[0]).as("the claim came between the reads").isFalse();
        assertThat(messages.recipientsSince(clock.instant().minusSeconds(60)).count()).as("row 2's claim is in the ledger").isEqualTo(1);
        assertThat(second).as("the third number takes the third place: row 2's number, claimed meanwhile, counts once")
                .extracting(QueuedMessage::e164).containsExactly(to.get(2));
    }
}
