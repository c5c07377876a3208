package io.arauto.crash;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.SoftAssertions;
import org.flywaydb.core.Flyway;
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
 *
 * <p>Issue 11, in the same run: both instances read the CRM trigger table ({@code arauto.crm.requests.*}) of a CRM
 * database on the same PostgreSQL, whose rows a separate connection inserts before the kill, right after it and once the
 * other instance took over: each row is taken once (one message in the ledger, one request at most per number, its
 * {@code status}, {@code reason} and {@code message_id} written back), bad rows included. And a nightly schedule
 * ({@code arauto.schedules.noturna.*}) has its occurrence while both run, with an audience big enough that the kill lands
 * while it is being sent: the occurrence makes exactly one campaign {@code noturna-<date>}, the instance that takes over
 * finishes it and does not run it again, and no number of its audience gets two requests.
 */
class TwoInstancesIT {

    static final int ROWS = 500;
    /**
     * The schedule's audience: enough that the kill lands while it is sent, even when the instances were slow to start and
     * the schedule went ahead of the file for several seconds.
     */
    static final int AUDIENCE = 400;
    static final String SCHEDULE = "noturna";
    /**
     * When the schedule's occurrence is, from the moment the ledger is made: a little after both instances are up and the
     * file is being sent (about 20 s on a busy 2-core machine), so that Quartz fires it while the file is sent. The ledger
     * holds the occurrence of the day before, so one that came while the instances were still starting is run by the
     * active sender's catch-up as it starts instead. Either way once.
     */
    static final Duration OCCURRENCE_AFTER = Duration.ofSeconds(28);
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
        Instant begun = Instant.now();
        Instant occurrence = begun.plus(OCCURRENCE_AFTER).truncatedTo(ChronoUnit.SECONDS);
        seedLastOccurrence(ledger, occurrence.minus(Duration.ofDays(1)));
        String crmUrl = SharedPostgres.newDatabase("two_instances_crm");
        Connection crm = DriverManager.getConnection(crmUrl, SharedPostgres.USER, SharedPostgres.PASSWORD);
        arautos.closeAfter(crm);
        Map<Integer, String> audience = createCrm(crm);
        ZonedDateTime at = occurrence.atZone(ZoneOffset.UTC);
        ArautoProcess.Options common = meta.configure(new ArautoProcess.Options())
                .property("spring.datasource.url", ledger)
                .property("spring.datasource.username", SharedPostgres.USER)
                .property("spring.datasource.password", SharedPostgres.PASSWORD)
                .property("arauto.crm.datasource.url", crmUrl)
                .property("arauto.crm.datasource.username", SharedPostgres.USER)
                .property("arauto.crm.datasource.password", SharedPostgres.PASSWORD)
                .property("arauto.crm.requests.table", "arauto_requests")
                .property("arauto.crm.requests.poll-delay", "500ms")
                .property("arauto.schedules." + SCHEDULE + ".cron", at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?")
                .property("arauto.schedules." + SCHEDULE + ".time-zone", "UTC")
                .property("arauto.schedules." + SCHEDULE + ".template", CampaignFile.TEMPLATE)
                .property("arauto.schedules." + SCHEDULE + ".audience-query", "select telefone, nome, pedido, entrega from audiencia order by id")
                .property("arauto.intake.stable-for", "200ms")
                .property("arauto.intake.poll-delay", 200)
                .property("arauto.send.rate", RATE)
                // the file's, the audience's and the CRM rows' numbers together are more than the default tier of 1,000
                .property("arauto.send.daily-limit", 2000)
                .property("arauto.send.concurrency", CONCURRENCY)
                .property("arauto.leader.lease", LEASE.toMillis() + "ms")
                .property("arauto.leader.heartbeat", "500ms")
                .property("arauto.ledger.stale-after", STALE_AFTER.toMillis() + "ms")
                .property("arauto.ledger.watchdog-interval", "1s")
                .property("arauto.reports.interval", "500ms")
                // one DEBUG line per request as it leaves the throttle: the pace as Arauto kept it (PaceCheck)
                .property("logging.level.io.arauto.send.MessageSender", "DEBUG")
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
                + standby.name() + "'s inbox, " + elapsed(begun) + "; the occurrence is " + occurrence + replay);

        campaign.drop(standbyData);
        List<CrmRow> requests = new ArrayList<>(insertRequests(crm, 0, 6, true)); // before the kill, bad rows among them
        // the kill lands a third of the way through, once both the file and the schedule's campaign are being sent
        Set<String> fileNumbers = new HashSet<>(campaign.recipients().values());
        Set<String> audienceNumbers = new HashSet<>(audience.values());
        await("a third of the requests to reach the Cloud API, some of the file's and a quarter of the audience's among them" + replay)
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (meta.requestCount() < (ROWS + AUDIENCE) / 3) {
                        return false;
                    }
                    Set<String> to = meta.requestsByRecipient().keySet();
                    return to.stream().anyMatch(fileNumbers::contains) && to.stream().filter(audienceNumbers::contains).count() >= AUDIENCE / 4;
                });
        assertThat(active(standby)).as(standby.name() + " stands by while " + sender.name() + " sends").isFalse();
        Instant killed = Instant.now();
        sender.kill();
        int beforeKill = meta.requestCount();
        int audienceBeforeKill = sentTo(meta, audience);
        System.out.println("TwoInstancesIT: killed " + sender.name() + " after " + beforeKill + " requests, " + audienceBeforeKill
                + " of them to the schedule's audience of " + AUDIENCE + ", " + elapsed(begun));
        requests.addAll(insertRequests(crm, 100, 5, true)); // while nobody takes them

        await(standby.name() + " to take over" + replay).atMost(STALE_AFTER.multipliedBy(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> active(standby));
        System.out.println("TwoInstancesIT: " + standby.name() + " took over, " + elapsed(begun));
        requests.addAll(insertRequests(crm, 200, 5, false));
        // read from the ledger: a status file this size is rewritten only every ten times as long as its writing took
        StatusFile[] settled = new StatusFile[1];
        await("the ledger to hold all " + ROWS + " rows, none QUEUED or SENDING" + replay)
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!standby.isAlive()) {
                        throw new AssertionError(standby + " died on its own" + replay);
                    }
                    StatusFile status = ledgerRows(ledger, campaign.name());
                    settled[0] = status;
                    return status.settled(ROWS);
                });
        String scheduled = SCHEDULE + "-" + DateTimeFormatter.ISO_LOCAL_DATE.format(at);
        StatusFile[] audienceRows = new StatusFile[1];
        await("the schedule's campaign " + scheduled + " to be sent and settled, and every CRM request row to show its outcome" + replay)
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    audienceRows[0] = ledgerRows(ledger, scheduled);
                    return audienceRows[0].settled(AUDIENCE) && crmRows(crm).stream().allMatch(TwoInstancesIT::writtenBack)
                            && campaignsNamed(ledger, scheduled).stream().allMatch(c -> c.endsWith(" DONE"));
                });
        System.out.println("TwoInstancesIT: all sent and written back, " + elapsed(begun));
        boolean stopped = standby.stop(Duration.ofSeconds(30));

        List<Instant> arrivals = meta.arrivals().stream().map(Instant::ofEpochMilli).toList();
        Instant firstAfterKill = arrivals.stream().filter(t -> t.isAfter(killed)).findFirst().orElseThrow();
        Duration failover = Duration.between(killed, firstAfterKill);
        CloudApiStub.Busiest worst = CloudApiStub.busiest(meta.arrivals(), Duration.ofSeconds(1));
        System.out.println("TwoInstancesIT: failover " + failover.toMillis() + " ms (lease " + LEASE.toMillis() + " ms); worst 1-second window "
                + worst.requests() + " requests at a rate of " + RATE + ", starting "
                + Duration.between(killed, Instant.ofEpochMilli(worst.fromMillis())).toMillis()
                + " ms after the kill; " + arrivals.size() + " requests in all" + replay);

        Map<String, List<CloudApiStub.Request>> byRecipient = meta.requestsByRecipient();
        AtMostOnce.check(campaign, settled[0], only(byRecipient, campaign.recipients().values()), Set.of(), CONCURRENCY,
                "after the active sender was killed with arauto.send.concurrency=" + CONCURRENCY, replay);
        assertThat(settled[0].count("SENT") + settled[0].count("UNCERTAIN")).as("rows SENT or UNCERTAIN").isEqualTo(ROWS);

        // the schedule's occurrence: one campaign, finished by the instance that took over, its audience messaged once each
        assertThat(audienceBeforeKill).as("the kill came while the schedule's campaign was being sent").isLessThan(AUDIENCE);
        assertThat(campaignsNamed(ledger, scheduled)).as("campaigns made of the occurrence " + occurrence + replay).singleElement()
                .asString().endsWith(" DONE");
        assertThat(occurrences(ledger)).as("the schedule's occurrences in the ledger: the day before's, and this one, DONE once")
                .containsExactly(occurrence.minus(Duration.ofDays(1)) + " DONE", occurrence + " DONE");
        AtMostOnce.check(CampaignFile.of(scheduled, audience), audienceRows[0], only(byRecipient, audience.values()), Set.of(),
                CONCURRENCY, "after the active sender was killed while the schedule's campaign was sent", replay);

        checkCrmRequests(ledger, crmRows(crm), requests, byRecipient, replay);
        assertThat(uncertainInLedger(ledger)).as("UNCERTAIN messages of all campaigns: the requests in flight at the kill" + replay)
                .isLessThanOrEqualTo(CONCURRENCY);
        Set<String> expected = new HashSet<>(campaign.recipients().values());
        expected.addAll(audience.values());
        requests.stream().filter(CrmRow::good).forEach(r -> expected.add(r.recipient()));
        assertThat(byRecipient.keySet()).as("numbers that got a request: the file's, the audience's and the good CRM rows'")
                .isSubsetOf(expected);
        assertThat(failover).as("from the kill to the next request, the other instance's first" + replay).isLessThan(STALE_AFTER);
        // both instances together, as the requests left them and as the stub saw them arrive (PaceCheck)
        PaceCheck.check(List.of(a, b), meta, MOST_IN_A_SECOND, t -> true, replay);
        assertThat(stopped).as(standby + " ended within 30 s of SIGTERM").isTrue();
    }

    /** Every message row of the campaigns named {@code campaign}, as a status file would show it (the columns the checks look at). */
    private static StatusFile ledgerRows(String url, String campaign) throws SQLException {
        List<StatusRow> rows = new ArrayList<>();
        try (Connection ledger = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             PreparedStatement sql = ledger.prepareStatement("select row_num, phone, phone_e164, status, reason, error_code, wamid "
                     + "from message where campaign_id in (select id from campaign where name = ?) order by id")) {
            sql.setString(1, campaign);
            try (ResultSet rs = sql.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StatusRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
        }
        return new StatusFile(Path.of("ledger"), rows);
    }

    private static List<String> campaignsNamed(String url, String name) throws SQLException {
        return query(url, "select id || ' ' || status from campaign where name = '" + name + "' order by id");
    }

    private static List<String> occurrences(String url) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection ledger = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = ledger.createStatement().executeQuery("select occurs_at, status, started_at from schedule_occurrence "
                     + "where schedule_name = '" + SCHEDULE + "' order by occurs_at")) {
            while (rs.next()) {
                Instant occursAt = rs.getTimestamp(1).toInstant();
                found.add(occursAt + " " + rs.getString(2));
                System.out.println("TwoInstancesIT: occurrence " + occursAt + " " + rs.getString(2) + ", started "
                        + Duration.between(occursAt, rs.getTimestamp(3).toInstant()).toMillis() + " ms after its time");
            }
        }
        return found;
    }

    private static int uncertainInLedger(String url) throws SQLException {
        return Integer.parseInt(query(url, "select count(*) from message where status = 'UNCERTAIN'").get(0));
    }

    private static List<String> query(String url, String select) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection ledger = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = ledger.createStatement().executeQuery(select)) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    /**
     * The ledger holds the schedule's occurrence of the day before (as it would after a night it ran): Arauto's own
     * migrations make the schema first, as they would at its start.
     */
    private static void seedLastOccurrence(String url, Instant dayBefore) throws SQLException {
        Flyway.configure().dataSource(url, SharedPostgres.USER, SharedPostgres.PASSWORD).locations("classpath:db/migration").load().migrate();
        try (Connection ledger = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             PreparedStatement sql = ledger.prepareStatement("insert into schedule_occurrence (schedule_name, occurs_at, status, "
                     + "started_at, finished_at) values (?, ?, 'DONE', ?, ?)")) {
            Timestamp at = Timestamp.from(dayBefore);
            sql.setString(1, SCHEDULE);
            sql.setTimestamp(2, at);
            sql.setTimestamp(3, at);
            sql.setTimestamp(4, at);
            sql.executeUpdate();
        }
    }

    /** The CRM database: the trigger table as the README writes it, and the schedule's audience (row number to recipient). */
    private static Map<Integer, String> createCrm(Connection crm) throws SQLException {
        try (Statement sql = crm.createStatement()) {
            sql.execute("create table arauto_requests (id bigint generated always as identity primary key, phone varchar(40) not null, "
                    + "template varchar(100) not null, variables jsonb not null, created_at timestamptz not null default now(), "
                    + "taken_at timestamptz, status varchar(16), reason varchar(1000), message_id varchar(255))");
            sql.execute("create index arauto_requests_untaken on arauto_requests (id) where taken_at is null");
            sql.execute("create table audiencia (id int primary key, telefone varchar(40), nome varchar(100), pedido varchar(20), "
                    + "entrega varchar(20))");
        }
        Map<Integer, String> audience = new TreeMap<>();
        try (PreparedStatement insert = crm.prepareStatement("insert into audiencia values (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < AUDIENCE; i++) {
                String digits = String.format("%04d", i);
                insert.setInt(1, i);
                insert.setString(2, "(21) 99700-" + digits);
                insert.setString(3, "Noite " + i);
                insert.setString(4, "N-" + i);
                insert.setString(5, "24/12/2026");
                insert.addBatch();
                audience.put(i + 2, "552199700" + digits); // the first result row is row 2
            }
            insert.executeBatch();
        }
        return audience;
    }

    /** A row inserted in the CRM trigger table: its number as the Cloud API would get it when it is good, what it should become. */
    record CrmRow(long id, String phone, boolean good) {
        String recipient() {
            return phone.replaceAll("\\D", "");
        }
    }

    /**
     * Inserts {@code good} rows for numbers {@code +55 31 99600-<from...>} by a connection of the CRM's own, and, with
     * {@code allBad}, one of each kind a CRM gets wrong (else only an invalid phone).
     */
    private static List<CrmRow> insertRequests(Connection crm, int from, int good, boolean allBad) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        for (int i = from; i < from + good; i++) {
            rows.add(new String[] {"+55319960" + String.format("%05d", i), CampaignFile.TEMPLATE,
                    "{\"nome\": \"CRM " + i + "\", \"pedido\": \"C-" + i + "\", \"entrega\": \"amanhã\"}"});
        }
        rows.add(new String[] {"12345", CampaignFile.TEMPLATE, "{\"nome\": \"Curto\", \"pedido\": \"X\", \"entrega\": \"hoje\"}"});
        if (allBad) {
            rows.add(new String[] {"+5531996099901", "nao_existe", "{\"nome\": \"Sem\"}"});
            rows.add(new String[] {"+5531996099902", CampaignFile.TEMPLATE, "[\"nome\", \"pedido\"]"});
            rows.add(new String[] {"+5531996099903", CampaignFile.TEMPLATE, "{\"nome\": \"Falta\", \"pedido\": \"F-1\"}"});
        }
        List<CrmRow> inserted = new ArrayList<>();
        try (PreparedStatement insert = crm.prepareStatement("insert into arauto_requests (phone, template, variables) "
                + "values (?, ?, ?::jsonb) returning id")) {
            for (int i = 0; i < rows.size(); i++) {
                String[] row = rows.get(i);
                insert.setString(1, row[0]);
                insert.setString(2, row[1]);
                insert.setString(3, row[2]);
                try (ResultSet id = insert.executeQuery()) {
                    id.next();
                    inserted.add(new CrmRow(id.getLong(1), row[0], i < good));
                }
            }
        }
        return inserted;
    }

    /** A CRM trigger table row as Arauto left it. */
    record CrmState(long id, String phone, Instant takenAt, String status, String reason, String messageId) { }

    private static List<CrmState> crmRows(Connection crm) throws SQLException {
        List<CrmState> rows = new ArrayList<>();
        try (ResultSet rs = crm.createStatement().executeQuery(
                "select id, phone, taken_at, status, reason, message_id from arauto_requests order by id")) {
            while (rs.next()) {
                Timestamp taken = rs.getTimestamp(3);
                rows.add(new CrmState(rs.getLong(1), rs.getString(2), taken == null ? null : taken.toInstant(), rs.getString(4),
                        rs.getString(5), rs.getString(6)));
            }
        }
        return rows;
    }

    /** Taken, and its final status written back: the provider's message id with a SENT. */
    private static boolean writtenBack(CrmState row) {
        return row.takenAt() != null && row.status() != null && !row.status().equals("QUEUED") && !row.status().equals("SENDING")
                && (!row.status().equals("SENT") || row.messageId() != null);
    }

    /**
     * Each row taken once: one message in the ledger (crm_request), one request at most to its number, answered with the
     * message id written back to it; a bad row INVALID with its reason, and no request.
     */
    private static void checkCrmRequests(String url, List<CrmState> rows, List<CrmRow> inserted, Map<String, List<CloudApiStub.Request>> requests,
                                         String replay) throws SQLException {
        Map<Long, List<String>> ledger = new HashMap<>();
        try (Connection db = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = db.createStatement().executeQuery("select r.request_id, m.status, m.wamid from crm_request r "
                     + "join message m on m.id = r.message_id")) {
            while (rs.next()) {
                ledger.computeIfAbsent(Long.parseLong(rs.getString(1)), k -> new ArrayList<>()).add(rs.getString(2) + " " + rs.getString(3));
            }
        }
        assertThat(rows).extracting(CrmState::id).as("the CRM rows").containsExactlyElementsOf(inserted.stream().map(CrmRow::id).toList());
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < rows.size(); i++) {
            CrmState row = rows.get(i);
            CrmRow asked = inserted.get(i);
            String which = "CRM row " + row.id() + " (" + (asked.good() ? "good" : "bad") + ")" + replay;
            soft.assertThat(ledger.getOrDefault(row.id(), List.of())).as(which + ": its messages in the ledger").hasSize(1);
            soft.assertThat(row.takenAt()).as(which + ": taken_at").isNotNull();
            List<CloudApiStub.Request> got = requests.getOrDefault(asked.recipient(), List.of());
            if (asked.good()) {
                soft.assertThat(row.status()).as(which + ": status").isIn("SENT", "UNCERTAIN");
                if ("SENT".equals(row.status())) {
                    soft.assertThat(got).as(which + ": requests to its number").hasSize(1);
                    soft.assertThat(row.messageId()).as(which + ": message_id").isEqualTo(got.isEmpty() ? null : got.get(0).wamid());
                } else {
                    soft.assertThat(got).as(which + ": requests to its number (UNCERTAIN: in flight at the kill)").hasSizeLessThanOrEqualTo(1);
                }
            } else {
                soft.assertThat(row.status()).as(which + ": status").isEqualTo("INVALID");
                soft.assertThat(row.reason()).as(which + ": reason").isNotBlank().doesNotContain("Exception");
                soft.assertThat(got).as(which + ": requests to its number").isEmpty();
                soft.assertThat(row.messageId()).as(which + ": message_id").isNull();
            }
        }
        soft.assertAll();
    }

    private static String elapsed(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() + " ms after the ledger was made";
    }

    /** How many of {@code audience}'s numbers got a request so far. */
    private static int sentTo(CloudApiStub meta, Map<Integer, String> audience) {
        Set<String> numbers = new HashSet<>(audience.values());
        return (int) meta.requestsByRecipient().keySet().stream().filter(numbers::contains).count();
    }

    /** The requests to {@code numbers} only. */
    private static Map<String, List<CloudApiStub.Request>> only(Map<String, List<CloudApiStub.Request>> requests,
                                                              java.util.Collection<String> numbers) {
        Set<String> keep = new HashSet<>(numbers);
        Map<String, List<CloudApiStub.Request>> only = new TreeMap<>();
        requests.forEach((to, got) -> {
            if (keep.contains(to)) {
                only.put(to, got);
            }
        });
        return only;
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
