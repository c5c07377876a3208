package io.arauto.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import io.arauto.ArautoApplication;
import io.arauto.report.StatusReportWriter;
import io.arauto.support.ErrorLogCheck;
import io.arauto.support.FastTimings;

/**
 * Issue 13: a report being written for a big campaign holds up neither the sending of a small
 * campaign dropped meanwhile nor the small campaign's own status files. The big campaign's
 * writing is held, for as long as the test says, at the moment it starts (the way a report of a
 * million rows takes seconds), so the overlap is certain rather than a race against a slow write.
 */
@ExtendWith(ErrorLogCheck.class) // before the Spring extension: see ErrorLogCheck
@CamelSpringBootTest
@SpringBootTest(classes = ArautoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its timers stop polling once the class is done
class ReportWritersTest {

    static final Path DATA_DIR = createTempDir();
    static final CountDownLatch BIG_REPORT_STARTED = new CountDownLatch(1);
    static final CountDownLatch BIG_REPORT_MAY_GO_ON = new CountDownLatch(1);

    @MockitoSpyBean
    StatusReportWriter writer;

    @Autowired
    JdbcTemplate ledger;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("arauto.data-dir", DATA_DIR::toString);
        FastTimings.register(registry); // the sandbox provider: every message taken, delivered and read within a second
    }

    @Test
    void aBigCampaignsReportBeingWrittenHoldsUpNeitherASmallCampaignsSendingNorItsReport() throws Exception {
        doAnswer(call -> {
            if (call.<Path>getArgument(0).getFileName().toString().startsWith("grande.")) {
                BIG_REPORT_STARTED.countDown();
                assertThat(BIG_REPORT_MAY_GO_ON.await(2, TimeUnit.MINUTES)).as("the test let the big report go on").isTrue();
            }
            return call.callRealMethod();
        }).when(writer).write(any(), any(), any(), any());
        Path outbox = DATA_DIR.resolve("outbox");
        try {
            ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "pedido_enviado", "grande.csv", campaign(1_000, 0));
            assertThat(BIG_REPORT_STARTED.await(60, TimeUnit.SECONDS)).as("the big campaign's report started").isTrue();

            ArautoTestBase.dropInto(DATA_DIR.resolve("inbox"), "pedido_enviado", "pequena.csv", campaign(3, 5_000));
            // sent, and the small campaign's report says so, all while the big one's is still being written
            Path small = await().atMost(Duration.ofSeconds(60)).until(() -> statusCsv(outbox, "pequena"), file -> file != null
                    && statuses(file).size() == 3 && statuses(file).stream().noneMatch(s -> s.equals("QUEUED") || s.equals("SENDING")));
            assertThat(statuses(small)).allMatch(s -> List.of("SENT", "DELIVERED", "READ", "REPLIED", "FAILED").contains(s));
            assertThat(ledger.queryForObject("select count(*) from message m join campaign c on m.id >= c.id * 4294967296 "
                    + "and m.id < (c.id + 1) * 4294967296 where c.name = 'pequena.csv' and m.wamid is not null", Integer.class))
                    .as("the small campaign's messages went out").isEqualTo(3);
            assertThat(statusCsv(outbox, "grande")).as("the big campaign's report is still being written").isNull();
            assertThat(BIG_REPORT_MAY_GO_ON.getCount()).isEqualTo(1);
        } finally {
            BIG_REPORT_MAY_GO_ON.countDown();
        }
        Path big = await().atMost(Duration.ofSeconds(60)).until(() -> statusCsv(outbox, "grande"), file -> file != null);
        assertThat(statuses(big)).hasSize(1_000);
    }

    /** {@code rows} distinct mobiles from {@code first} on, in the template's columns. */
    private static byte[] campaign(int rows, int first) {
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = first; i < first + rows; i++) {
            csv.append(String.format("(11) 9%04d-%04d,Cliente %d,%d,25/12/2026%n", 7000 + i / 10_000, i % 10_000, i, 1000 + i));
        }
        return csv.toString().getBytes(UTF_8);
    }

    private static Path statusCsv(Path outbox, String base) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return null;
        }
        try (var files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().matches(base + "\\.\\d+\\.status\\.csv")).findFirst().orElse(null);
        }
    }

    private static List<String> statuses(Path csv) {
        List<String> statuses = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).ofCsvRecord(csv)) {
            reader.stream().skip(1).forEach(record -> statuses.add(record.getField(3)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return statuses;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("arauto-report-writers-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
