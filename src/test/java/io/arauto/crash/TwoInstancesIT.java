package io.arauto.crash;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.arauto.crash.CampaignFile.StatusFile;
import io.arauto.crash.CampaignFile.StatusRow;
import io.arauto.support.SharedPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 7: two Arauto JVMs on one PostgreSQL ledger. One of them is the active sender; the file is
 * dropped into the other one's inbox (intake runs everywhere), and its rows are sent by the active sender at
 * the rate of both together: every 1-second window of the Cloud API's arrival times holds at most
 * {@code arauto.send.rate} requests ({@link #MOST_IN_A_SECOND}). The active sender is killed with SIGKILL a third of the way through:
 * the other one takes over within {@code arauto.ledger.stale-after} (its lease ran out) and finishes the
 * campaign. No number gets two requests, every row ends SENT or UNCERTAIN, and at most
 * {@code arauto.send.concurrency} UNCERTAIN (the requests in flight at the kill).
 */
class TwoInstancesIT {

    static final int ROWS = 900;
    static final int RATE = 40;
    static final int CONCURRENCY = 8;
    static final Duration LEASE = Duration.ofSeconds(3);
    static final Duration STALE_AFTER = Duration.ofSeconds(10);
    /**
     * The most requests any 1-second window may hold: the rate, both instances together, the failover included (the
     * new active sender sends its first message alone and waits a second before the rest: SendQueue, SendPace).
     */
    static final int MOST_IN_A_SECOND = RATE;

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void oneSendsAtTheRateOfBothAndTheOtherTakesOverWhenItIsKilled() throws Exception {
        long seed = Long.getLong("arauto.crash.seed", System.nanoTime());
        String replay = " (seed " + seed + "; replay with -Darauto.crash.seed=" + seed + ")";
        CampaignFile campaign = CampaignFile.generate("pedidos-dois.csv", ROWS, new Random(seed));

        CloudApiStub meta = arautos.closeAfter(new CloudApiStub(100, Set.of()));
        String ledger = SharedPostgres.newDatabase("two_instances");
        ArautoProcess.Options common = meta.configure(new ArautoProcess.Options())
                .property("spring.datasource.url", ledger)
                .property("spring.datasource.username", SharedPostgres.USER)
                .property("spring.datasource.password", SharedPostgres.PASSWORD)
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.send.rate", RATE)
                .property("arauto.send.concurrency", CONCURRENCY)
                .property("arauto.leader.lease", LEASE.toMillis() + "ms")
                .property("arauto.leader.heartbeat", "500ms")
                .property("arauto.ledger.stale-after", STALE_AFTER.toMillis() + "ms")
                .property("arauto.ledger.watchdog-interval", "1s")
                .property("arauto.reports.interval", "500ms")
                .jvm(ArautoProcess.QUICK_START);
        Path dataA = arautos.dir().resolve("data-a");
        Path dataB = arautos.dir().resolve("data-b");
        CompletableFuture<ArautoProcess> startingA = CompletableFuture.supplyAsync(() -> start("a", common.copy().dataDir(dataA)));
        ArautoProcess b = start("b", common.copy().dataDir(dataB));
        ArautoProcess a = startingA.join();

        await("one of the two to be the active sender").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> active(a) || active(b));
        ArautoProcess sender = active(a) ? a : b;
        ArautoProcess standby = sender == a ? b : a;
        Path standbyData = standby == a ? dataA : dataB;
        assertThat(active(standby)).as(standby.name() + " is the active sender too").isFalse();
        System.out.println("TwoInstancesIT: " + sender.name() + " sends, " + standby.name() + " stands by; the file goes to "
                + standby.name() + "'s inbox" + replay);

        campaign.drop(standbyData);
        await("a third of the campaign to reach the Cloud API" + replay).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> meta.requestCount() >= ROWS / 3);
        assertThat(active(standby)).as(standby.name() + " stands by while " + sender.name() + " sends").isFalse();
        Instant killed = Instant.now();
        sender.kill();
        int beforeKill = meta.requestCount();
        System.out.println("TwoInstancesIT: killed " + sender.name() + " after " + beforeKill + " requests");

        await(standby.name() + " to take over" + replay).atMost(STALE_AFTER.multipliedBy(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> active(standby));
        // read from the ledger: a status file this size is rewritten only every ten times as long as its writing took
        StatusFile[] settled = new StatusFile[1];
        await("the ledger to hold all " + ROWS + " rows, none QUEUED or SENDING" + replay)
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!standby.isAlive()) {
                        throw new AssertionError(standby + " died on its own" + replay);
                    }
                    StatusFile status = ledgerRows(ledger);
                    settled[0] = status;
                    return status.settled(ROWS);
                });
        boolean stopped = standby.stop(Duration.ofSeconds(30));

        List<Instant> arrivals = meta.arrivals().stream().map(Instant::ofEpochMilli).toList();
        Instant firstAfterKill = arrivals.stream().filter(t -> t.isAfter(killed)).findFirst().orElseThrow();
        Duration failover = Duration.between(killed, firstAfterKill);
        CloudApiStub.Busiest worst = CloudApiStub.busiest(meta.arrivals(), Duration.ofSeconds(1));
        System.out.println("TwoInstancesIT: failover " + failover.toMillis() + " ms (lease " + LEASE.toMillis() + " ms); worst 1-second window "
                + worst.requests() + " requests at a rate of " + RATE + ", starting "
                + Duration.between(killed, Instant.ofEpochMilli(worst.fromMillis())).toMillis()
                + " ms after the kill; " + arrivals.size() + " requests in all" + replay);

        AtMostOnce.check(campaign, settled[0], meta.requestsByRecipient(), Set.of(), CONCURRENCY,
                "after the active sender was killed with arauto.send.concurrency=" + CONCURRENCY, replay);
        assertThat(settled[0].count("SENT") + settled[0].count("UNCERTAIN")).as("rows SENT or UNCERTAIN").isEqualTo(ROWS);
        assertThat(failover).as("from the kill to the next request, the other instance's first" + replay).isLessThan(STALE_AFTER);
        assertThat(worst.requests()).as("the most requests in any 1-second window, both instances together" + replay).isLessThanOrEqualTo(MOST_IN_A_SECOND);
        assertThat(stopped).as(standby + " ended within 30 s of SIGTERM").isTrue();
    }

    /** Every message row of the ledger, as a status file would show it (the columns the checks look at). */
    private static StatusFile ledgerRows(String url) throws SQLException {
        List<StatusRow> rows = new ArrayList<>();
        try (Connection ledger = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = ledger.createStatement().executeQuery(
                     "select row_num, phone, phone_e164, status, reason, error_code, wamid from message order by id")) {
            while (rs.next()) {
                rows.add(new StatusRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
            }
        }
        return new StatusFile(Path.of("ledger"), rows);
    }

    private ArautoProcess start(String name, ArautoProcess.Options options) {
        try {
            return arautos.start(name, options);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean active(ArautoProcess arauto) throws Exception {
        JsonNode sender = arauto.health().path("components").path("sender");
        if (sender.isMissingNode()) {
            throw new AssertionError(arauto + " has no 'sender' component on /actuator/health");
        }
        return sender.path("details").path("active").asBoolean();
    }
}
