package io.arauto.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessResourceFailureException;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.ledger.MessageLedger;

/**
 * Issue 13: rewriting a big campaign's report while it sends costs at most a tenth of a core. After each writing, a
 * campaign still sending waits ten times the CPU time the writing took (its own thread's and the sheet's); a settled one
 * does not wait; a campaign whose report is being written is not handed to a second writer.
 */
class CampaignReporterTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long ID = 7;

    @TempDir
    Path dataDir;

    private final CampaignLedger campaigns = mock(CampaignLedger.class);
    private final MessageLedger messages = mock(MessageLedger.class);
    private final StatusReportWriter writer = mock(StatusReportWriter.class);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final List<List<Long>> dueWhileWriting = new ArrayList<>();
    private CampaignReporter reporter;

    @BeforeEach
    void setUp() throws Exception {
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        reporter = new CampaignReporter(campaigns, messages, writer, properties, now::get);
        when(campaigns.dirtyReports()).thenReturn(List.of(ID));
        when(campaigns.claimReport(ID)).thenReturn(true);
        status(CampaignStatus.ACTIVE);
        doAnswer(call -> {
            call.<MessageLedger.LinesReader>getArgument(1).read(Collections.emptyIterator());
            return null;
        }).when(messages).withLines(eq(ID), any());
        // a big report: 4 s to write, the sheet's thread busy for 3 s of it
        when(writer.write(any(), any(), any(), any())).thenAnswer(call -> {
            dueWhileWriting.add(reporter.due());
            now.addAndGet(4 * SECOND);
            return new StatusReportWriter.Written(1_000_000, 3 * SECOND);
        });
    }

    @Test
    void aCampaignStillSendingWaitsTenTimesTheCpuItsLastWritingTook() {
        assertThat(reporter.due()).containsExactly(ID); // never written in this run: at once
        reporter.write(ID);

        now.addAndGet(29 * SECOND);
        assertThat(reporter.due()).as("29 s after a writing that took 3 s of CPU").isEmpty();
        now.addAndGet(2 * SECOND); // 10 x (3 s and this thread's few milliseconds) is past
        assertThat(reporter.due()).containsExactly(ID);
    }

    /** The first status files of a file just read are claimed at once, not at the next round; a file still read or refused has none. */
    @Test
    void aFileJustReadHasItsReportClaimedAtOnceAndByOneWriterOnly() {
        status(CampaignStatus.READING);
        assertThat(reporter.dueNow(ID)).as("still being read").isEmpty();
        status(CampaignStatus.REJECTED);
        assertThat(reporter.dueNow(ID)).as("refused whole: a note in error/, no status file").isEmpty();
        status(CampaignStatus.ACTIVE);
        assertThat(reporter.dueNow(ID)).containsExactly(ID);
        assertThat(reporter.due()).as("taken by the writer dueNow handed it to").isEmpty();
        assertThat(reporter.dueNow(ID)).isEmpty();
    }

    @Test
    void aSettledCampaignsLastReportIsWrittenAtOnce() {
        assertThat(reporter.due()).containsExactly(ID);
        reporter.write(ID);
        status(CampaignStatus.DONE);

        assertThat(reporter.due()).containsExactly(ID);
    }

    @Test
    void aReportBeingWrittenIsNotHandedToASecondWriter() {
        assertThat(reporter.due()).containsExactly(ID);
        reporter.write(ID);

        assertThat(dueWhileWriting).containsExactly(List.of());
        status(CampaignStatus.DONE); // due at once again, now that the writing is over
        assertThat(reporter.due()).containsExactly(ID);
    }

    @Test
    void aReportThatFailedIsWrittenAgainOnALaterRound() {
        assertThat(reporter.due()).containsExactly(ID);
        doThrow(new DataAccessResourceFailureException("ledger away")).when(campaigns).find(ID);
        assertThatThrownBy(() -> reporter.write(ID)).isInstanceOf(DataAccessResourceFailureException.class);

        status(CampaignStatus.ACTIVE);
        assertThat(reporter.due()).as("no longer taken for being written").containsExactly(ID);
    }

    private void status(CampaignStatus status) {
        doReturn(Optional.of(new Campaign(ID, "pedidos.csv", "pedido_enviado", "folder",
                "pedido_enviado/pedidos.csv", "sha", List.of("telefone"), status, 1_000_000, Instant.EPOCH, Instant.EPOCH, null, null))).when(campaigns).find(ID);
    }
}
