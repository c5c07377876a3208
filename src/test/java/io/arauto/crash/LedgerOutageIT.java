package io.arauto.crash;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.arauto.crash.CampaignFile.StatusFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7: the PostgreSQL ledger goes away in the middle of a campaign. Nothing may be sent while
 * Arauto cannot write down what it sends; health must say {@code ledger} DOWN with a reason; the
 * process must live on, and once the database is back, finish the campaign with every message sent
 * at most once. With the ledger away again, SIGTERM must still end Arauto within the documented 30 s.
 */
class LedgerOutageIT {

    static final int ROWS = 2_000;
    static final int CONCURRENCY = 8;
    static final int RATE = 150;

    /** What Arauto may log while its database is down: the driver's and the pool's complaints, nothing else. */
    static final Pattern LEDGER_AWAY = Pattern.compile("Connection to localhost:\\d+ refused|CannotGetJdbcConnectionException"
            + "|Connection is not available, request timed out|terminating connection due to administrator command"
            + "|An I/O error occurred while sending to the backend|This connection has been closed|PSQLException"
            + "|the database system is (shutting down|starting up)|CannotCreateTransactionException|Failed to obtain JDBC Connection"
            + "|SQLException: Connection is closed|JDBC rollback failed");

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void nothingIsSentWhileTheLedgerIsAwayAndTheCampaignFinishesOnceItIsBack() throws Exception {
        long seed = Long.getLong("arauto.crash.seed", System.nanoTime());
        String replay = " (seed " + seed + "; replay with -Darauto.crash.seed=" + seed + ")";
        Random random = new Random(seed);
        CampaignFile campaign = CampaignFile.generate("pedidos-outage.csv", ROWS, random);
        Set<String> failing = new HashSet<>();
        while (failing.size() < 5) {
            failing.add(campaign.recipients().get(2 + random.nextInt(ROWS)));
        }
        int stopAt = ROWS / 10 + random.nextInt(ROWS / 5);

        RestartablePostgres postgres = arautos.closeAfter(new RestartablePostgres(arautos.dir().resolve("postgres")));
        String url = postgres.createDatabase("arauto");
        CloudApiStub meta = arautos.closeAfter(new CloudApiStub(50, failing));
        Path data = arautos.dir().resolve("data");
        ArautoProcess.Options options = postgres.configure(meta.configure(new ArautoProcess.Options()), url)
                .dataDir(data)
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.send.rate", RATE)
                .property("arauto.send.daily-limit", 0) // thousands of numbers: more than a default tier allows a day
                .property("arauto.send.concurrency", CONCURRENCY)
                .property("arauto.ledger.stale-after", "5s")
                .property("arauto.ledger.watchdog-interval", "1s")
                .property("arauto.reports.interval", "500ms")
                .jvm(ArautoProcess.QUICK_START);
        ArautoProcess arauto = arautos.start("outage", options).expectProblems(LEDGER_AWAY);

        // 1. the ledger goes away in the middle of sending
        campaign.drop(data);
        await("WireMock to receive " + stopAt + " requests" + replay).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> meta.requestCount() >= stopAt);
        postgres.stop();
        int atStop = meta.requestCount();
        System.out.println("LedgerOutageIT: PostgreSQL stopped after " + atStop + " requests" + replay);

        // requests whose claim was written before the stop may still leave and be answered: a moment, at most one per sender
        AtomicInteger previous = new AtomicInteger(-1);
        await("requests to stop reaching WireMock once PostgreSQL is down (" + atStop + " had arrived at the stop)").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    int now = meta.requestCount();
                    return now == previous.getAndSet(now);
                });
        int quiet = meta.requestCount();
        assertThat(quiet - atStop).as("requests that left after PostgreSQL stopped (only those claimed before may: at most "
                + "arauto.send.concurrency)").isLessThanOrEqualTo(CONCURRENCY);
        await("no request to reach WireMock while the ledger is away").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> meta.requestCount() == quiet);

        // the promises below are collected, so that one run shows every one that broke
        List<String> broken = new ArrayList<>();
        JsonNode down = awaitHealth(arauto, "ledger DOWN with a reason", Duration.ofSeconds(45), broken, h -> {
            JsonNode ledger = h.path("components").path("ledger");
            return "DOWN".equals(ledger.path("status").asText()) && !ledger.path("details").path("reason").asText().isBlank();
        });
        System.out.println("LedgerOutageIT: health with the ledger away: " + down);
        if (down != null && !"DOWN".equals(down.path("status").asText())) {
            broken.add("overall health is not DOWN while the ledger is away: " + down);
        }
        assertThat(arauto.isAlive()).as("Arauto lives on while the ledger is away").isTrue();
        assertThat(meta.requestCount()).as("requests while the ledger is away").isEqualTo(quiet);

        // 2. the ledger is back: health UP again, and the campaign finishes
        postgres.start();
        awaitHealth(arauto, "ledger UP again, and Arauto as a whole", Duration.ofSeconds(60), broken, h ->
                "UP".equals(h.path("components").path("ledger").path("status").asText()) && "UP".equals(h.path("status").asText()));
        AtomicReference<StatusFile> settled = new AtomicReference<>();
        await("the status file to hold all " + ROWS + " rows, none QUEUED or SENDING" + replay).atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(arauto.isAlive()).as("Arauto alive").isTrue();
                    settled.set(campaign.status(data));
                    return settled.get() != null && settled.get().settled(ROWS);
                });
        AtMostOnce.check(campaign, settled.get(), meta.requestsByRecipient(), failing, CONCURRENCY,
                "after one ledger outage with arauto.send.concurrency=" + CONCURRENCY, replay);

        // 3. the ledger goes away again while a second campaign is sending, and Arauto is asked to stop
        CampaignFile second = CampaignFile.generate("pedidos-sigterm.csv", 1_000, random);
        int before = meta.requestCount();
        second.drop(data);
        await("the second campaign to start sending").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> meta.requestCount() >= before + 50);
        postgres.stop();
        long stopping = System.nanoTime();
        boolean ended = arauto.stop(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        if (!ended) {
            arauto.kill();
        }
        System.out.println("LedgerOutageIT: SIGTERM with the ledger away: " + (ended ? "ended in " + took.toMillis() + " ms" : "still running after 30 s"));
        if (!ended) {
            broken.add("Arauto still ran 30 s after SIGTERM with the ledger away (log " + arauto.log() + ")");
        }
        assertThat(arauto.logText()).as("Arauto's log").doesNotContain("OutOfMemoryError");
        assertThat(broken).as("promises broken around the ledger outage").isEmpty();
    }

    /**
     * Polls health until {@code wanted} holds and returns that answer; otherwise notes in {@code broken} why
     * not, with the last answer seen, and returns null. An answer without a {@code ledger} component ends the
     * wait at once (the components are fixed at start). Each GET may take up to 10 s: a monitor waits no longer.
     */
    static JsonNode awaitHealth(ArautoProcess arauto, String what, Duration atMost, List<String> broken, Predicate<JsonNode> wanted) {
        AtomicReference<Object> last = new AtomicReference<>("no answer yet");
        try {
            await("health: " + what).atMost(atMost).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        try {
                            JsonNode health = arauto.health();
                            last.set(health);
                            return wanted.test(health) || health.path("components").path("ledger").isMissingNode();
                        } catch (IOException e) {
                            last.set(e instanceof HttpTimeoutException ? "no answer within 10 s (" + e + ")" : e.toString());
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            broken.add("/actuator/health did not say " + what + " within " + atMost.toSeconds() + " s; last answer: " + last.get()
                    + (last.get() instanceof JsonNode ? "" : "; " + slowAnswer(arauto)));
            return null;
        }
        JsonNode health = (JsonNode) last.get();
        if (!wanted.test(health)) {
            broken.add("/actuator/health has no 'ledger' component, so it cannot say " + what + ": " + health);
            return null;
        }
        return health;
    }

    /** For the failure message when health does not answer in 10 s: how long it does take, and what it says then. */
    private static String slowAnswer(ArautoProcess arauto) {
        long start = System.nanoTime();
        try {
            JsonNode health = arauto.health(Duration.ofSeconds(60));
            return "given 60 s, it answered after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + health;
        } catch (IOException | InterruptedException e) {
            return "given 60 s, it still did not answer (" + e + ")";
        }
    }
}
