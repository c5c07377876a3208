package io.arauto.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.StampedRows;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * Issue 13, point 1: a file's first status files are written while it is read (routes campaign-intake and campaign-rows
 * drive {@link CampaignReporter#beginWhileRead}, {@link CampaignReporter#whileRead}, {@link CampaignReporter#endWhileRead}).
 * An accepted campaign gets them, every row once, in row order; a rejected one gets nothing, not even a temporary file;
 * later rounds still write the report again from the ledger, paced as today.
 */
class CampaignReporterWhileReadTest {

    private static final long ID = 12;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dataDir;

    private final CampaignLedger campaigns = mock(CampaignLedger.class);
    private final MessageLedger messages = mock(MessageLedger.class);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private CampaignReporter reporter;

    @BeforeEach
    void setUp() {
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        reporter = new CampaignReporter(campaigns, messages, new StatusReportWriter(new CellSanitizer()), properties, now::get);
        when(campaigns.dirtyReports()).thenReturn(List.of(ID));
        when(campaigns.claimReport(ID)).thenReturn(true);
        status(CampaignStatus.READING);
    }

    @Test
    void anAcceptedFileHasItsStatusFilesOnceItIsReadWithEveryRowOnceAndTheLedgerWritesThemAgainLater() throws Exception {
        reporter.beginWhileRead(ID);
        for (int batch = 0; batch < 5; batch++) {
            reporter.whileRead(ID, new StampedRows(rows(2 + batch * 1_000, 1_000), Instant.parse("2026-11-30T06:00:00Z")));
        }
        assertThat(namesIn(outbox()).stream().filter(name -> !name.startsWith("."))).as("nothing in place while it is read").isEmpty();
        status(CampaignStatus.ACTIVE);

        reporter.endWhileRead(ID);
        Campaign placed = reporter.writtenWhileRead(ID);

        assertThat(placed).as("in place, for whatever copies the files elsewhere").isNotNull();
        assertThat(namesIn(outbox())).containsExactly("pedidos.12.status.csv", "pedidos.12.status.xlsx");
        List<String> rowNumbers = column(outbox().resolve("pedidos.12.status.csv"), 0);
        assertThat(rowNumbers).hasSize(5_001);
        for (int i = 1; i < rowNumbers.size(); i++) {
            assertThat(rowNumbers.get(i)).isEqualTo(Integer.toString(i + 1));
        }
        verify(campaigns, never()).claimReport(anyLong()); // still due: what changed while it was read shows at a later round
        assertThat(reporter.due()).as("a campaign still sending: paced as after a writing from the ledger").isEmpty();
        now.addAndGet(3_600 * SECOND);
        assertThat(reporter.due()).containsExactly(ID);
    }

    @Test
    void aRejectedFileLeavesNoStatusFileAndNoTemporaryOne() throws Exception {
        reporter.beginWhileRead(ID);
        reporter.whileRead(ID, new StampedRows(rows(2, 1_000), Instant.parse("2026-11-30T06:00:00Z")));
        status(CampaignStatus.REJECTED);

        reporter.endWhileRead(ID);

        assertThat(reporter.writtenWhileRead(ID)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> namesIn(outbox()).isEmpty()); // deleted on the report's threads
        assertThat(namesIn(outbox())).as("no status file, ever").noneMatch(name -> name.startsWith("pedidos.12."));
    }

    @Test
    void aFileStillReadingWhenItsReadingFailedLeavesNothingEither() throws Exception {
        reporter.beginWhileRead(ID);
        reporter.whileRead(ID, new StampedRows(rows(2, 1_000), Instant.parse("2026-11-30T06:00:00Z")));

        reporter.endWhileRead(ID); // the route's doFinally after a failure the campaign's rejection has not reached yet

        await().atMost(Duration.ofSeconds(10)).until(() -> namesIn(outbox()).isEmpty());
    }

    @Test
    void aCampaignARoundIsWritingAlreadyIsNotWrittenTwice() throws Exception {
        reporter.beginWhileRead(ID);
        reporter.whileRead(ID, new StampedRows(rows(2, 10), Instant.parse("2026-11-30T06:00:00Z")));
        status(CampaignStatus.ACTIVE);
        assertThat(reporter.due()).as("a round took it the moment it was accepted").containsExactly(ID);

        reporter.endWhileRead(ID);

        assertThat(reporter.writtenWhileRead(ID)).as("left to that round").isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> namesIn(outbox()).isEmpty());
    }

    /** Throwing a report away never holds the intake up, even while its writing is stuck (a slow disk, say). */
    @Test
    void aDiscardedReportDoesNotHoldTheIntakeUpWhileItsWritingIsStuck() throws Exception {
        StatusReportWriter stuckWriter = spy(new StatusReportWriter(new CellSanitizer()));
        CountDownLatch stuck = new CountDownLatch(1);
        doAnswer(call -> {
            stuck.await(1, TimeUnit.MINUTES);
            return call.callRealMethod();
        }).when(stuckWriter).write(any(), any(), any(), any());
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        CampaignReporter stuckReporter = new CampaignReporter(campaigns, messages, stuckWriter, properties, now::get);
        try {
            stuckReporter.beginWhileRead(ID);
            stuckReporter.whileRead(ID, new StampedRows(rows(2, 10), Instant.parse("2026-11-30T06:00:00Z")));
            status(CampaignStatus.REJECTED);

            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> stuckReporter.endWhileRead(ID));
        } finally {
            stuck.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> namesIn(outbox()).isEmpty());
    }

    @Test
    void aFileAlreadyAcceptedBeforeGetsNoReportWhileRead() throws Exception {
        status(CampaignStatus.ACTIVE);
        reporter.beginWhileRead(ID);
        reporter.whileRead(ID, new StampedRows(rows(2, 10), Instant.parse("2026-11-30T06:00:00Z")));
        reporter.endWhileRead(ID);

        assertThat(reporter.writtenWhileRead(ID)).isNull();
        assertThat(namesIn(outbox())).isEmpty();
    }

    private Path outbox() {
        return dataDir.resolve("outbox");
    }

    private static List<JudgedRow> rows(int from, int count) {
        List<JudgedRow> rows = new ArrayList<>();
        for (int row = from; row < from + count; row++) {
            rows.add(new JudgedRow(row, "11 98765-" + row, "+551198765" + row, MessageStatus.QUEUED, null, List.of("11 98765-" + row)));
        }
        return rows;
    }

    private void status(CampaignStatus status) {
        doReturn(Optional.of(new Campaign(ID, "pedidos.csv", "pedido_enviado", "folder", "pedido_enviado/pedidos.csv", "sha",
                List.of("telefone"), status, 5_000, Instant.EPOCH, Instant.EPOCH, null, null))).when(campaigns).find(ID);
    }

    private static List<String> column(Path csv, int column) throws IOException {
        List<String> values = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).ofCsvRecord(csv)) {
            reader.forEach(record -> values.add(record.getField(column)));
        }
        return values;
    }

    private static List<String> namesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
