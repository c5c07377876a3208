package io.arauto.crash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7, bounded memory: a minute of sending as fast as Arauto is allowed to ({@code arauto.send.rate=1000},
 * batches of 1000, the sandbox provider, which answers at once and reports delivered and read a moment
 * later) in the 256 MB heap the README runs it with. The heap in use after a full collection must stay
 * flat from 30 s to 75 s into sending (ten samples, the late half against the early half), with no OutOfMemoryError, and the sending must really have
 * happened at a meaningful rate (counted in the ledger afterwards).
 */
class BoundedMemoryIT {

    static final int ROWS = 85_000;
    static final int RATE = 1_000;
    static final Duration EARLY = Duration.ofSeconds(30);
    static final int SAMPLES = 5;
    static final Duration LATE = Duration.ofSeconds(75);
    /** How much more heap may be live late (50-75 s) than early (30-45 s): H2 holds 45 s of retained commits and warm caches by then, so only a leak grows past this. */
    static final long MARGIN = 32L * 1024 * 1024;
    /**
     * The least sending rate, over the minute, that counts as load: a quarter of the configured rate. On
     * this 2-core machine the H2 ledger (three writes a message: claim, sent, delivered/read reports)
     * reaches less than 1000/s, and the box may be busy with other builds.
     */
    static final double MIN_RATE = RATE / 4.0;

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void heapStaysFlatDuringAMinuteOfSendingAtFullSpeed() throws Exception {
        Path data = arautos.dir().resolve("data");
        ArautoProcess arauto = arautos.start("memory", new ArautoProcess.Options()
                .dataDir(data)
                .property("arauto.provider.type", "sandbox")
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.send.rate", RATE)
                .property("arauto.send.daily-limit", 0) // thousands of numbers: more than a default tier allows a day
                .property("arauto.send.batch-size", 1000)
                .jvm("-Xmx256m", "-XX:+UseParallelGC"));

        CampaignFile campaign = CampaignFile.generate("pedidos-memory.csv", ROWS, new Random(7));
        Path dropped = campaign.drop(data);
        // the file leaves the inbox once every row is in the ledger and the campaign is sendable: sending starts then
        await("the campaign to be read (its file archived)").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertAlive(arauto);
                    return !Files.exists(dropped);
                });
        long sendingSince = System.nanoTime();

        // one sample is too noisy (a status file being rewritten, H2's caches, how many batches are in flight at that
        // instant): the median of five samples in each half of the window, every 5 s, so a leak shows as the late half
        // growing past the early one, and one sample caught mid-rewrite does not (the largest of each half once failed so)
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 2 * SAMPLES; i++) {
            runUntil(arauto, sendingSince, EARLY.plus(LATE.minus(EARLY).multipliedBy(i).dividedBy(2 * SAMPLES - 1)));
            samples.add(arauto.heapUsedAfterFullGc());
        }
        long early = median(samples.subList(0, SAMPLES));
        long late = median(samples.subList(SAMPLES, 2 * SAMPLES));
        System.out.println("BoundedMemoryIT: heap after full GC, MB: " + samples.stream().map(b -> Long.toString(b >> 20)).toList());
        assertAlive(arauto);
        long stopping = System.nanoTime();
        boolean stopped = arauto.stop(Duration.ofSeconds(30));
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        if (!stopped) {
            arauto.kill(); // the ledger is still counted: H2 recovers the last committed state on open
        }
        // messages may still leave while Arauto stops: the rate counts them over the whole time, stop included
        Duration sending = Duration.ofNanos(System.nanoTime() - sendingSince);

        Map<String, Integer> counts = ledgerCounts(data);
        // the sandbox fails one message in five and has one in four replied to: they were sent all the same
        int sent = counts.getOrDefault("SENT", 0) + counts.getOrDefault("DELIVERED", 0) + counts.getOrDefault("READ", 0)
                + counts.getOrDefault("FAILED", 0) + counts.getOrDefault("REPLIED", 0);
        double rate = sent / (sending.toMillis() / 1000.0);
        System.out.printf("BoundedMemoryIT: median heap after full GC %d MB by %d s, %d MB by %d s; %d messages sent in %.1f s = %.0f/s "
                        + "(configured %d/s, time to stop included); ledger %s; SIGTERM %s%n", early >> 20, EARLY.toSeconds(), late >> 20, LATE.toSeconds(), sent,
                sending.toMillis() / 1000.0, rate, RATE, counts, stopped ? "ended it in " + stopMillis + " ms" : "did not end it in 30 s");

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(arauto.logText()).as("Arauto's log").doesNotContain("OutOfMemoryError");
        soft.assertThat(late).as("median heap in use after a full GC late in the window (%d MB, up to %d s) against early (%d MB, from %d s) + %d MB",
                late >> 20, LATE.toSeconds(), early >> 20, EARLY.toSeconds(), MARGIN >> 20).isLessThanOrEqualTo(early + MARGIN);
        soft.assertThat(rate).as("messages sent per second over the minute (%d sent): at least a quarter of arauto.send.rate=%d shows load",
                sent, RATE).isGreaterThanOrEqualTo(MIN_RATE);
        soft.assertThat(stopped).as("Arauto ended within 30 s of SIGTERM after a minute of sending").isTrue();
        soft.assertAll();
    }

    private static long median(List<Long> samples) {
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Lets Arauto send until {@code after} has passed since {@code since}, checking all along that it lives and has heap. */
    private static void runUntil(ArautoProcess arauto, long since, Duration after) {
        await("Arauto to send for " + after.toSeconds() + " s").atMost(after.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertAlive(arauto);
                    return System.nanoTime() - since >= after.toNanos();
                });
    }

    private static void assertAlive(ArautoProcess arauto) {
        assertThat(arauto.isAlive()).as("%s is alive", arauto).isTrue();
        assertThat(arauto.logContains("OutOfMemoryError")).as("OutOfMemoryError in %s", arauto.log()).isFalse();
    }

    /** Messages per status in the H2 ledger Arauto left behind (read once it stopped). */
    private static Map<String, Integer> ledgerCounts(Path data) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        String url = "jdbc:h2:file:" + data.resolve("ledger").resolve("arauto").toAbsolutePath() + ";ACCESS_MODE_DATA=r";
        try (Connection ledger = DriverManager.getConnection(url, "sa", "");
             Statement sql = ledger.createStatement();
             ResultSet rs = sql.executeQuery("select status, count(*) from message group by status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        }
        return counts;
    }
}
