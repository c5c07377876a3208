package io.arauto.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.arauto.crash.CampaignFile.StatusFile;
import io.arauto.support.SharedPostgres;

import static org.awaitility.Awaitility.await;

/**
 * Issue 7, "at most once": Arauto is killed with SIGKILL at five random moments while it sends a
 * campaign, started again each time on the same ledger, and left to finish. No number may get two
 * requests, every row ends in exactly one final status (SENT, FAILED or UNCERTAIN), the numbers Meta
 * refused are FAILED, and each kill leaves at most {@code arauto.send.concurrency} messages UNCERTAIN.
 *
 * <p>The moments are drawn from a seed printed at the start; {@code -Darauto.crash.seed=<seed>} replays them.
 */
class KillDuringSendingIT {

    static final int ROWS = 2_000;
    static final int KILLS = 5;
    static final int CONCURRENCY = 8;
    static final int RATE = 200;
    static final int FAILING = 8;

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void h2Ledger() throws Exception {
        killFiveTimesWhileSending(new ArautoProcess.Options()); // the default: an H2 file under the data folder
    }

    @Test
    void postgresLedger() throws Exception {
        String url = SharedPostgres.newDatabase("crash_kill");
        killFiveTimesWhileSending(new ArautoProcess.Options()
                .property("spring.datasource.url", url)
                .property("spring.datasource.username", SharedPostgres.USER)
                .property("spring.datasource.password", SharedPostgres.PASSWORD));
    }

    private void killFiveTimesWhileSending(ArautoProcess.Options ledger) throws Exception {
        long seed = Long.getLong("arauto.crash.seed", System.nanoTime());
        String replay = " (seed " + seed + "; replay with -Darauto.crash.seed=" + seed + ")";
        System.out.println("KillDuringSendingIT: seed " + seed);
        Random random = new Random(seed);

        CampaignFile campaign = CampaignFile.generate("pedidos-crash.csv", ROWS, random);
        Set<String> failing = new HashSet<>();
        while (failing.size() < FAILING) {
            failing.add(campaign.recipients().get(2 + random.nextInt(ROWS)));
        }
        // five moments, one drawn in each fifth of the middle of the campaign (5 % .. 90 % of its requests)
        List<Integer> killAt = new ArrayList<>();
        int from = ROWS / 20;
        int span = ROWS * 9 / 10 - from;
        for (int k = 0; k < KILLS; k++) {
            killAt.add(from + k * span / KILLS + random.nextInt(span / KILLS));
        }
        System.out.println("KillDuringSendingIT: kills after " + killAt + " requests" + replay);

        CloudApiStub meta = arautos.closeAfter(new CloudApiStub(50, failing));
        Path data = arautos.dir().resolve("data");
        ArautoProcess.Options options = meta.configure(ledger.copy())
                .dataDir(data)
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.send.rate", RATE)
                .property("arauto.send.daily-limit", 0) // thousands of numbers: more than a default tier allows a day
                .property("arauto.send.concurrency", CONCURRENCY)
                .property("arauto.ledger.stale-after", "5s")
                // the killed run's sender lock holds the next run back until its lease ran out: keep that short
                .property("arauto.leader.lease", "2s")
                .property("arauto.leader.heartbeat", "500ms")
                .property("arauto.ledger.watchdog-interval", "1s")
                .property("arauto.reports.interval", "500ms")
                .jvm(ArautoProcess.QUICK_START);

        ArautoProcess arauto = arautos.start("run-0", options);
        campaign.drop(data);
        for (int k = 0; k < KILLS; k++) {
            int target = killAt.get(k);
            ArautoProcess running = arauto;
            await("WireMock to receive " + target + " requests before kill " + (k + 1) + replay)
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (!running.isAlive()) {
                            throw new AssertionError(running + " died on its own before kill " + replay);
                        }
                        return meta.requestCount() >= target;
                    });
            arauto.kill();
            System.out.println("KillDuringSendingIT: kill " + (k + 1) + " after " + meta.requestCount() + " requests");
            arauto = arautos.start("run-" + (k + 1), options);
        }

        ArautoProcess last = arauto;
        StatusFile[] settled = new StatusFile[1];
        await("the campaign's status file to hold all " + ROWS + " rows, none QUEUED or SENDING" + replay)
                .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!last.isAlive()) {
                        throw new AssertionError(last + " died on its own " + replay);
                    }
                    StatusFile status = campaign.status(data);
                    settled[0] = status;
                    return status != null && status.settled(ROWS);
                });
        boolean stopped = last.stop(Duration.ofSeconds(30));

        AtMostOnce.check(campaign, settled[0], meta.requestsByRecipient(), failing, KILLS * CONCURRENCY,
                "after " + KILLS + " kills with arauto.send.concurrency=" + CONCURRENCY, replay);
        if (!stopped) {
            throw new AssertionError(last + " did not end within 30 s of SIGTERM once the campaign was done");
        }
    }
}
