package io.arauto.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, point 1: a file's first status files are written while it is read. Arauto is killed with SIGKILL half-way
 * through reading a file: the outbox holds no status file of it (only the hidden temporary files of their writing), the
 * next start deletes those, reads the file again and puts its status files in place with every row once.
 */
class KillDuringIntakeIT {

    static final int ROWS = 300_000;

    @RegisterExtension
    final ArautoProcesses arautos = new ArautoProcesses();

    @Test
    void aKillWhileAFileIsReadLeavesNoStatusFileAndTheNextStartWritesThemWhole() throws Exception {
        Path data = arautos.dir().resolve("data");
        Path outbox = data.resolve("outbox");
        ArautoProcess.Options options = new ArautoProcess.Options()
                .dataDir(data)
                .property("arauto.provider.type", "sandbox")
                .property("arauto.send.poll-interval", "1h") // nothing sent: the statuses stay as read
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.ledger.stale-after", "5s")
                .property("arauto.ledger.watchdog-interval", "1s")
                .jvm(ArautoProcess.QUICK_START);
        CampaignFile campaign = CampaignFile.generate("pedidos-kill.csv", ROWS, new Random(13));

        ArautoProcess first = arautos.start("run-0", options);
        campaign.drop(data);
        // being read, its status files being written meanwhile: a few thousand lines in their temporary CSV
        await("the file's rows to be going into its status files").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (!first.isAlive()) {
                        throw new AssertionError(first + " died on its own");
                    }
                    return temporaries(outbox).stream().anyMatch(f -> f.getFileName().toString().contains(".status.csv.")
                            && size(f) > 200_000);
                });
        first.kill();

        List<Path> left = temporaries(outbox);
        assertThat(campaign.statusFiles(data)).as("no status file of a file whose reading was cut short").isEmpty();
        assertThat(left).as("what the kill left: hidden temporary files").hasSize(2);
        assertThat(campaign.status(data)).isNull();

        ArautoProcess second = arautos.start("run-1", options);
        CampaignFile.StatusFile[] status = new CampaignFile.StatusFile[1];
        await("the file read again, its status files in place").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!second.isAlive()) {
                        throw new AssertionError(second + " died on its own");
                    }
                    status[0] = campaign.status(data);
                    return status[0] != null;
                });
        assertThat(left).as("the killed run's temporary files, deleted at the start").noneMatch(Files::exists);
        assertThat(status[0].rows()).extracting(CampaignFile.StatusRow::row)
                .containsExactlyElementsOf(IntStream.rangeClosed(2, ROWS + 1).boxed().toList());
        assertThat(status[0].counts()).containsEntry("QUEUED", (long) ROWS);
        assertThat(second.logContains("Deleted 2 unfinished status files")).isTrue();
        second.stop(Duration.ofSeconds(30));
    }

    /** The hidden temporary files of status files in the outbox. */
    private static List<Path> temporaries(Path outbox) {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(".tmp")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }
}
