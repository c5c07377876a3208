package io.arauto.intake.folder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.arauto.config.ArautoProperties;
import io.arauto.support.Exchanges;
import io.arauto.support.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, point 17: a file of the local inbox that cannot be moved once taken is said once, shows on health, and is
 * tried again only after a wait that doubles at each failure (poll delay × 2, × 4, … up to 5 minutes), not at every poll.
 */
@ExtendWith(OutputCaptureExtension.class)
class InboxHealthIndicatorTest {

    @TempDir
    Path data;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-02T03:00:00Z"));

    @Test
    void aFileThatCannotBeMovedWaitsTwiceAsLongAtEachFailureAndTheCauseIsSaidOnce(CapturedOutput log) throws Exception {
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(data);
        properties.getIntake().setDir(data.resolve("inbox"));
        properties.getIntake().setPollDelay(Duration.ofSeconds(1));
        InboxHealthIndicator moves = new InboxHealthIndicator(properties, clock);
        Path file = Files.createDirectories(data.resolve("inbox/aviso_arquivo")).resolve("preso.csv");
        Files.writeString(file, "telefone\n5511987011701\n");
        Path blocked = data.resolve("archive/aviso_arquivo");
        Files.createDirectories(blocked.getParent());
        Files.writeString(blocked, "a file where archive/aviso_arquivo/ should be");

        assertThat(moves.due(file)).isTrue();
        assertThat(moves.health().getStatus()).isEqualTo(Status.UP);

        Duration[] waits = {Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16)};
        for (Duration wait : waits) {
            moves.handleException("move failed", archiveFailed(file, blocked.resolve("preso.7.csv")), new java.io.IOException("Not a directory"));
            assertThat(moves.due(file)).as("at once after a failure").isFalse();
            assertThat(moves.moveFailed(file)).isTrue();
            clock.advance(wait.minusMillis(1));
            assertThat(moves.due(file)).as("%s less 1 ms after it", wait).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(moves.due(file)).as("%s after it", wait).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            moves.handleException("move failed", archiveFailed(file, blocked.resolve("preso.7.csv")), new java.io.IOException("Not a directory"));
        }
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(moves.due(file)).as("never more than 5 minutes, never less either").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(moves.due(file)).isTrue();

        var down = moves.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(String.valueOf(down.getDetails().get("moves"))).contains("aviso_arquivo/preso.csv could not be moved to archive/",
                blocked + " is a file, not a folder");
        assertThat(log.getAll().split(java.util.regex.Pattern.quote("could not be moved to archive/"), -1)).as("the cause, said once")
                .hasSize(2);

        Files.delete(file); // moved at last (or taken away): forgotten, health UP
        assertThat(moves.health().getStatus()).isEqualTo(Status.UP);
        assertThat(moves.due(file)).isTrue();
    }

    /** The exchange Camel hands over when the move to archive/ of an accepted file failed. */
    private static Exchange archiveFailed(Path file, Path target) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.FILE_PATH, file.toString());
        exchange.getMessage().setHeader(Exchanges.ARCHIVE_TARGET, target.toString());
        return exchange;
    }
}
