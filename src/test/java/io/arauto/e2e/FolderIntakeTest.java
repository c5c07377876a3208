package io.arauto.e2e;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.arauto.config.ArautoProperties;
import io.arauto.intake.CampaignIntake;
import io.arauto.intake.OpenIntake;
import io.arauto.verdict.RowJudge;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The inbox takes a file only once it has stopped changing, and then every row of it. */
@ExtendWith(OutputCaptureExtension.class)
class FolderIntakeTest extends ArautoTestBase {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CampaignIntake intakes;

    @Autowired
    RowJudge judge;

    @Autowired
    CampaignLedger campaigns;

    @Autowired
    ArautoProperties properties;

    @Test
    void fileStillBeingWrittenIsReadOnlyWhenComplete() throws Exception {
        Path dir = inbox().resolve("pedido_enviado");
        Files.createDirectories(dir);
        Path file = dir.resolve("devagar.csv");
        int rows = 40;
        // written in place, a row every 50 ms for 2 s, far longer than stable-for (300 ms). The inbox takes a file whose
        // time is older than stable-for, so a writer stalled that long rightly loses its file: this one keeps the file's
        // time a minute ahead while it writes (as a writer that touches its file does), which a loaded machine cannot undo
        // but in the instant between a write and the touch after it
        FileTime ahead = FileTime.from(Instant.now().plus(Duration.ofMinutes(1)));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            out.write("telefone,nome,pedido,entrega\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Files.setLastModifiedTime(file, ahead);
            for (int i = 0; i < rows; i++) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                out.write(String.format("55119876%05d,Cliente %d,%d,hoje%n", 10000 + i, i, i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i < rows - 1) { // after the last row the file keeps the time of that write, and is taken stable-for later
                    Files.setLastModifiedTime(file, ahead);
                }
                assertThat(file).as("taken while still being written (row %d)", i).exists();
            }
        }
        awaitTaken(file);
        Integer read = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(total_rows) from campaign where name = 'devagar.csv' and status <> 'READING'", Integer.class), n -> n != null);
        assertThat(read).isEqualTo(rows);
    }

    @Test
    void aRowTooLongForTheLedgerIsInvalidAndTheRestOfTheFileGoesThrough() throws Exception {
        String huge = "x".repeat(70_000);
        String quotes = "\"" + "\"\"".repeat(40_000) + "\""; // 40,000 quotes: short as typed, 80,000 characters as stored JSON
        Path file = drop("pedido_enviado", "enorme.csv", ("telefone,nome,pedido,entrega\n5511987654001,Ana,1,hoje\n5511987654002," + huge
                + ",2,hoje\n5511987654003," + quotes + ",3,hoje\n").getBytes(StandardCharsets.UTF_8));
        awaitTaken(file);
        long campaign = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'enorme.csv' and status <> 'READING'", Long.class), id -> id != null);
        assertThat(jdbc.queryForObject("select status from campaign where id = ?", String.class, campaign)).isNotEqualTo("REJECTED");
        assertThat(jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = 3", String.class, campaign))
                .contains("characters long");
        assertThat(jdbc.queryForObject("select reason from message where campaign_id = ? and row_num = 4", String.class, campaign))
                .contains("characters long");
        assertThat(jdbc.queryForObject("select status from message where campaign_id = ? and row_num = 2", String.class, campaign))
                .isIn("QUEUED", "SENDING", "SENT");
    }

    /** A read the ledger watchdog dropped (no progress for stale-after) must tell the sender to drop the file again. */
    @Test
    void aFileWhoseCampaignTheWatchdogDroppedIsToBeDroppedAgain() throws Exception {
        OpenIntake intake = openOutsideTheInbox("largado.csv", "5511987004001");
        assertThat(campaigns.rejectIfAbandoned(intake.campaignId(), Instant.now().plus(Duration.ofDays(1)))).isTrue();

        String note = intakes.reject(intake, "pedido_enviado/largado.csv",
                new IllegalStateException("Campaign " + intake.campaignId() + " was dropped while its file was being read"))
                .note("error/pedido_enviado/largado.csv");

        assertThat(note).contains("was dropped while this file was being read", "drop the file again", "Fix the file and drop it again")
                .doesNotContain("Do not drop");
    }

    /** A campaign accepted before a later step failed keeps going: the note must not send the sender to drop it again. */
    @Test
    void aFileWhoseCampaignWasAcceptedIsNotToBeDroppedAgain() throws Exception {
        String phone = "5511987004002";
        OpenIntake intake = openOutsideTheInbox("aceito.csv", phone);
        intakes.batches(intake).forEachRemaining(rows -> intakes.write(intake, judge.judge(intake.verdicts(), rows)));
        intakes.close(intake); // every row in: accepted, its message may go out from now on

        String note = intakes.reject(intake, "pedido_enviado/aceito.csv", new java.io.IOException("archive move failed"))
                .note("error/pedido_enviado/aceito.csv");

        assertThat(note).contains("was accepted from this file and is being sent", "Do not drop the file again")
                .doesNotContain("Fix the file and drop it again");
        // it keeps going: its message is sent (the send loop may settle it at any moment, so not "still ACTIVE")
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select status from message where campaign_id = ? and row_num = 2", String.class, intake.campaignId()), "SENT"::equals);
        assertThat(campaigns.find(intake.campaignId()).orElseThrow().status()).isIn(CampaignStatus.ACTIVE, CampaignStatus.DONE);
        assertThat(requestsTo(phone)).hasSize(1);
    }

    /**
     * A stop between accepting a campaign and moving its file to archive/ leaves the file in the inbox: read again, it is
     * recognised (same bytes, same place, no archived copy) and archived as that campaign, and nothing of it is sent twice.
     */
    @Test
    void fileReadAgainAfterItsCampaignWasAcceptedButBeforeItWasArchivedIsArchivedAsThatCampaign() throws Exception {
        String phone = "5511987004003";
        byte[] content = ("telefone,nome,pedido,entrega\n" + phone + ",Rui,1,hoje\n").getBytes(StandardCharsets.UTF_8);
        Path file = drop("pedido_enviado", "nao-arquivado.csv", content);
        awaitTaken(file);
        long campaign = jdbc.queryForObject("select id from campaign where name = 'nao-arquivado.csv'", Long.class);
        Path archived = DATA_DIR.resolve("archive/pedido_enviado/nao-arquivado." + campaign + ".csv");
        assertThat(archived).exists();
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo(phone).size() == 1);

        // the state such a stop leaves: the campaign accepted, its file still in the inbox and not in archive/
        Files.move(archived, file);
        awaitTaken(file);

        assertThat(archived).as("archived under the campaign it was accepted as").hasBinaryContent(content);
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'nao-arquivado.csv'", Integer.class)).isEqualTo(1);
        assertThat(filesUnder(DATA_DIR.resolve("error"))).noneMatch(p -> p.getFileName().toString().startsWith("nao-arquivado"));

        // once archived, the same bytes dropped again are a duplicate, as ever
        Path again = drop("pedido_enviado", "nao-arquivado.csv", content);
        awaitTaken(again);
        Path note = await().atMost(Duration.ofSeconds(10)).until(() -> filesUnder(DATA_DIR.resolve("error")).stream()
                .filter(p -> p.getFileName().toString().startsWith("nao-arquivado") && p.toString().endsWith(".error.txt"))
                .findFirst().orElse(null), p -> p != null);
        assertThat(Files.readString(note)).contains("byte-for-byte identical", "campaign " + campaign);
        assertThat(requestsTo(phone)).as("messages to the file's one number").hasSize(1);
    }

    /**
     * An upload that paused longer than stable-for was taken half-way, and goes on while it is read: its campaign is
     * dropped before anything of it is sent, the log says why, and the file is read again, whole, once it is still.
     */
    @Test
    void aFileThatChangesWhileItIsReadHasItsCampaignDroppedBeforeAnythingIsSentAndIsReadAgain(CapturedOutput log) throws Exception {
        Path file = Files.createTempDirectory(DATA_DIR, "outside").resolve("mudou.csv");
        Files.writeString(file, "telefone,nome,pedido,entrega\n5511987004101,Ana,1,hoje\n5511987004102,Bia,2,hoje\n");
        OpenIntake first = intakes.open(file.toString(), "pedido_enviado/mudou.csv", "folder");
        intakes.batches(first).forEachRemaining(rows -> intakes.write(first, judge.judge(first.verdicts(), rows)));
        // the rest of the upload lands after the rows above were read (a WinSCP upload resumed after a stall)
        Files.writeString(file, "5511987004103,Cai,3,hoje\n", StandardOpenOption.APPEND);

        assertThat(intakes.close(first)).as("no archive name: the file is not to be archived").isNull();
        assertThat(campaigns.find(first.campaignId()).orElseThrow().status()).isEqualTo(CampaignStatus.REJECTED);
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, first.campaignId())).isZero();
        assertThat(log.getAll()).contains("pedido_enviado/mudou.csv changed while it was being read",
                "campaign " + first.campaignId() + " is dropped before anything of it was sent", "read again once it has stopped changing");

        OpenIntake again = intakes.open(file.toString(), "pedido_enviado/mudou.csv", "folder");
        intakes.batches(again).forEachRemaining(rows -> intakes.write(again, judge.judge(again.verdicts(), rows)));
        assertThat(intakes.close(again)).isEqualTo("pedido_enviado/mudou." + again.campaignId() + ".csv");
        assertThat(jdbc.queryForObject("select total_rows from campaign where id = ?", Integer.class, again.campaignId())).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo("5511987004103").size() == 1);
        assertThat(requestsTo("5511987004101")).as("sent once, from the second reading").hasSize(1);
    }

    /**
     * Issue 12, point 16, "size or time": a file rewritten in place to the same size while it is read (a tool that saves
     * over it, one cell changed) differs only in its time; its campaign is dropped all the same.
     */
    @Test
    void aFileWhoseTimeAloneChangesWhileItIsReadHasItsCampaignDropped(CapturedOutput log) throws Exception {
        Path file = Files.createTempDirectory(DATA_DIR, "outside").resolve("regravado.csv");
        String before = "telefone,nome,pedido,entrega\n5511987004301,Ana,1,hoje\n";
        Files.writeString(file, before);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        OpenIntake first = intakes.open(file.toString(), "pedido_enviado/regravado.csv", "folder");
        intakes.batches(first).forEachRemaining(rows -> intakes.write(first, judge.judge(first.verdicts(), rows)));
        // saved over with one letter changed: the same size, a new time
        String after = before.replace(",Ana,", ",Ane,");
        assertThat(after).hasSameSizeAs(before);
        Files.writeString(file, after);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        assertThat(Files.size(file)).isEqualTo(before.getBytes(StandardCharsets.UTF_8).length);

        assertThat(intakes.close(first)).as("no archive name: the file is not to be archived").isNull();
        assertThat(campaigns.find(first.campaignId()).orElseThrow().status()).isEqualTo(CampaignStatus.REJECTED);
        assertThat(jdbc.queryForObject("select count(*) from message where campaign_id = ?", Integer.class, first.campaignId())).isZero();
        assertThat(log.getAll()).contains("pedido_enviado/regravado.csv changed while it was being read");
        assertThat(requestsTo("5511987004301")).isEmpty();
    }

    /** The same through the inbox: the upload goes on while Arauto reads the file; it is read again and sent once, whole. */
    @Test
    void aFileInTheInboxThatChangesWhileItIsReadIsReadAgainWholeAndSentOnce(CapturedOutput log) throws Exception {
        int rows = 150_000;
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < rows; i++) { // no name: invalid, so that only the row the upload adds is sent
            csv.append(String.format("55119870%05d,,%d,hoje%n", i % 100_000, i));
        }
        Path file = drop("pedido_enviado", "crescendo.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        long first = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'crescendo.csv' and status = 'READING'", Long.class), id -> id != null);
        Files.writeString(file, "5511987004201,Dani,1,hoje\n", StandardOpenOption.APPEND);

        awaitTaken(file);
        long again = await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "select max(id) from campaign where name = 'crescendo.csv' and status <> 'READING' and status <> 'REJECTED'", Long.class),
                id -> id != null);
        assertThat(campaigns.find(first).orElseThrow().status()).isEqualTo(CampaignStatus.REJECTED);
        assertThat(jdbc.queryForObject("select total_rows from campaign where id = ?", Integer.class, again)).isEqualTo(rows + 1);
        assertThat(log.getAll()).contains("pedido_enviado/crescendo.csv changed while it was being read");
        assertThat(DATA_DIR.resolve("archive/pedido_enviado/crescendo." + again + ".csv")).exists();
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo("5511987004201").size() == 1);
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = 'crescendo.csv'", Integer.class)).isEqualTo(2);
        // the status files begun while the first reading went on are gone with its campaign, temporary files included
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(DATA_DIR.resolve("outbox/crescendo." + again + ".status.xlsx")));
        List<String> outbox = filesUnder(DATA_DIR.resolve("outbox")).stream().map(p -> p.getFileName().toString())
                .filter(n -> n.contains("crescendo.")).toList();
        assertThat(outbox).filteredOn(n -> n.contains("crescendo." + first + ".")).as("nothing of the first reading").isEmpty();
        // (the second campaign's files may be being rewritten meanwhile: a report round writes hidden temporary files beside them)
        assertThat(outbox).filteredOn(n -> !n.startsWith("."))
                .containsExactlyInAnyOrder("crescendo." + again + ".status.csv", "crescendo." + again + ".status.xlsx");
    }

    /**
     * Issue 13: a file's first status files are written while it is read, from the rows as they are judged, and put in
     * the outbox once its campaign is accepted: every row once, in row order, and the XLSX beside the CSV.
     */
    @Test
    void aFilesFirstStatusFilesAreWrittenWhileItIsReadWithEveryRowOnce(CapturedOutput log) throws Exception {
        int rows = 4_500; // five batches
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < rows; i++) { // no name: invalid, but two rows, so that little is sent
            csv.append(String.format("55119871%05d,%s,%d,hoje%n", i, i % 3_000 == 0 ? "Eva" : "", i));
        }
        Path file = drop("pedido_enviado", "enquanto.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        awaitTaken(file);
        long campaign = jdbc.queryForObject("select id from campaign where name = 'enquanto.csv'", Long.class);
        Path status = DATA_DIR.resolve("outbox/enquanto." + campaign + ".status.csv");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(status));

        assertThat(DATA_DIR.resolve("outbox/enquanto." + campaign + ".status.xlsx")).exists();
        assertThat(log.getAll()).contains("Campaign " + campaign + ": status file " + status + " written (", "while its file was read)");
        List<String> lines = Files.readAllLines(status, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(rows + 1);
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i)).startsWith((i + 1) + ",55119871" + String.format("%05d", i - 1) + ",");
        }
    }

    /** A file's rows go into the ledger 1,000 at a time on H2 (5,000 on PostgreSQL: PostgresLedgerTest), or as many as set. */
    @Test
    void aFilesRowsGoIntoTheLedgerInBatchesOfTheLedgersSizeUnlessOneIsSet() throws Exception {
        assertThat(batchSizes("lotes.csv", 0)).containsExactly(1000, 1000, 500);
        properties.getIntake().setBatchSize(700);
        try {
            assertThat(batchSizes("lotes-700.csv", 5_000)).containsExactly(700, 700, 700, 400);
        } finally {
            properties.getIntake().setBatchSize(null);
        }
    }

    /** The sizes of the batches a 2,500-row file is read in; its campaign, never accepted, is dropped after. */
    private List<Integer> batchSizes(String name, int firstPhone) throws Exception {
        StringBuilder csv = new StringBuilder("telefone,nome,pedido,entrega\n");
        for (int i = 0; i < 2_500; i++) {
            csv.append("55119870").append(10_000 + firstPhone + i).append(",Ana,").append(i).append(",hoje\n");
        }
        OpenIntake intake = openOutside(name, csv.toString());
        List<Integer> sizes = new java.util.ArrayList<>();
        try {
            intakes.batches(intake).forEachRemaining(rows -> sizes.add(rows.size()));
        } finally {
            intake.rows().close();
            campaigns.rejectIfAbandoned(intake.campaignId(), Instant.now().plus(Duration.ofDays(1)));
        }
        return sizes;
    }

    private OpenIntake openOutsideTheInbox(String name, String phone) throws Exception {
        return openOutside(name, "telefone,nome,pedido,entrega\n" + phone + "," + name + ",1,hoje\n");
    }

    /** A campaign opened from {@code csv}, written to a folder the inbox does not watch, as if taken as pedido_enviado/{@code name}. */
    private OpenIntake openOutside(String name, String csv) throws Exception {
        Path file = Files.createTempDirectory(DATA_DIR, "outside").resolve(name);
        Files.writeString(file, csv);
        return intakes.open(file.toString(), "pedido_enviado/" + name, "folder");
    }
}
