package io.arauto.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * Message rows of the ledger, one per non-blank input row. Every change of status goes through
 * here, and a status only ever moves forward.
 */
@Component
public class MessageLedger {

    private static final TypeReference<List<String>> CELLS = new TypeReference<>() { };
    private static final JsonStringEncoder JSON_STRINGS = JsonStringEncoder.getInstance();

    private final JdbcTemplate jdbc;
    private final ObjectReader cells;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** Claims and outcomes of every sender thread, in shared commits. */
    private final GroupCommit<Write, Boolean> writes;

    /** How long a claim or an outcome waits for others to share its commit. */
    static final java.time.Duration LINGER = java.time.Duration.ofMillis(10);

    public MessageLedger(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        // claims and outcomes come one by one, each after its own answer: a few milliseconds' wait lets them share a
        // commit (at 1,000/s, one disk write for about ten of them instead of one each); a claim is taken well before its
        // turn to leave. Claims and outcomes share the same commits: each commit costs about the same however few rows it holds.
        this.writes = new GroupCommit<>(tx, this::write, LINGER);
        this.cells = json.readerFor(CELLS);
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
        this.clock = clock;
    }

    /** A message's key: its campaign's range of keys holds its rows in order. */
    public static long key(long campaignId, int row) {
        return (campaignId << 32) | row;
    }

    /** The first key of a campaign; {@code first(campaign + 1)} is one past its last. */
    public static long first(long campaignId) {
        return campaignId << 32;
    }

    /**
     * Writes one batch of judged rows in one transaction. On PostgreSQL the rows go in with one binary {@code COPY}
     * ({@link MessageCopy}) on the transaction's connection, elsewhere (H2) as a batched insert: the same rows, the same
     * commit.
     */
    public void insert(long campaignId, List<JudgedRow> rows) {
        insert(campaignId, new StampedRows(rows, stamp()));
    }

    /**
     * The time a batch inserted now is stamped with: rounded to the microsecond, half up, as both databases (and PgJDBC)
     * round a finer time as they store it. So the time the rows carry is the one read back from the ledger, to the
     * second included ({@link StampedRows#lines}), and the same as every other write of this instant stores.
     */
    public Instant stamp() {
        return clock.instant().plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }

    /** A file's rows per batch on H2, in Arauto's own process: a commit costs little there. */
    static final int H2_BATCH_ROWS = 1_000;
    /**
     * A file's rows per batch on PostgreSQL: each batch is a transaction of its own, and each commit waits for the server's
     * WAL to reach its disk and for three round trips. With 1,000 rows those waits, one batch after another, set the
     * intake's pace (README, "PostgreSQL as the ledger").
     */
    static final int POSTGRES_BATCH_ROWS = 5_000;

    private volatile int batchRows;

    /** How many of a file's rows go into the ledger together when {@code arauto.intake.batch-size} is not set. */
    public int batchRows() {
        int rows = batchRows;
        if (rows == 0) {
            rows = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) MessageCopy::possible))
                    ? POSTGRES_BATCH_ROWS : H2_BATCH_ROWS;
            batchRows = rows;
        }
        return rows;
    }

    /** As {@link #insert(long, List)}, the rows stamped with {@link StampedRows#at} (from {@link #stamp}). */
    public void insert(long campaignId, StampedRows stamped) {
        List<JudgedRow> rows = stamped.rows();
        if (rows.isEmpty()) {
            return;
        }
        Instant at = stamped.at();
        Timestamp now = Timestamp.from(at);
        tx.executeWithoutResult(status -> {
            if (jdbc.update("update campaign set heartbeat_at = ? where id = ? and status = 'READING'", now, campaignId) == 0) {
                throw new IllegalStateException("Campaign " + campaignId + " was dropped while its file was being read");
            }
            Boolean copied = jdbc.execute((ConnectionCallback<Boolean>) connection -> {
                if (!MessageCopy.possible(connection)) {
                    return false;
                }
                MessageCopy copy = new MessageCopy(rows.size());
                for (JudgedRow r : rows) {
                    copy.row(key(campaignId, r.row()), campaignId, r.row(), truncate(r.phone(), 255), r.e164(), r.status().name(),
                            truncate(r.reason(), 1000), at, toJson(r.cells()));
                }
                copy.into(connection);
                return true;
            });
            if (Boolean.TRUE.equals(copied)) {
                return;
            }
            jdbc.batchUpdate(INSERT,
                    new BatchPreparedStatementSetter() {
                        @Override
                        public void setValues(PreparedStatement ps, int i) throws SQLException {
                            JudgedRow r = rows.get(i);
                            ps.setLong(1, key(campaignId, r.row()));
                            ps.setLong(2, campaignId);
                            ps.setInt(3, r.row());
                            ps.setString(4, truncate(r.phone(), 255));
                            ps.setString(5, r.e164());
                            ps.setString(6, r.status().name());
                            ps.setString(7, truncate(r.reason(), 1000));
                            ps.setTimestamp(8, now);
                            ps.setString(9, toJson(r.cells()));
                        }

                        @Override
                        public int getBatchSize() {
                            return rows.size();
                        }
                    });
        });
    }

    private static final String INSERT = "insert into message (id, campaign_id, row_num, phone, phone_e164, status, reason, "
            + "updated_at, input) values (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** One judged row added to a campaign already open (a rolling campaign), in the caller's transaction. */
    void append(long campaignId, JudgedRow r) {
        jdbc.update(INSERT, key(campaignId, r.row()), campaignId, r.row(), truncate(r.phone(), 255), r.e164(), r.status().name(),
                truncate(r.reason(), 1000), now(), toJson(r.cells()));
    }

    /** Up to {@code limit} QUEUED messages of a campaign after row {@code afterRow} that are due now, in row order. */
    public List<QueuedMessage> queued(long campaignId, int afterRow, int limit) {
        return jdbc.query("select row_num, phone_e164, attempts, input from message where id > ? and id < ? "
                        + "and status = 'QUEUED' and (next_attempt_at is null or next_attempt_at <= ?) order by id "
                        + "fetch first " + limit + " rows only",
                (rs, i) -> new QueuedMessage(campaignId, rs.getInt(1), rs.getString(2), rs.getInt(3), fromJson(rs.getString(4))),
                key(campaignId, afterRow), first(campaignId + 1), Timestamp.from(clock.instant()));
    }

    /**
     * Claims a QUEUED message of an ACTIVE campaign for sending; false when another sender, a cancel or a pause got there
     * first.
     * The SENDING mark is committed when this returns (claims of concurrent senders share one
     * commit), so a crash after the request left can never show the message QUEUED again.
     */
    public boolean markSending(long campaignId, int row) throws InterruptedException {
        return writes.submit(new Claim(key(campaignId, row)));
    }

    /** What a sender thread hands in to be committed: a claim, or the outcome of a message it claimed. */
    private sealed interface Write permits Claim, Outcome { }

    private record Claim(long id) implements Write { }

    private record Outcome(Runnable change) implements Write { }

    /** One group of claims and outcomes, in one transaction: the outcomes in order, then the claims in one batch. */
    private List<Boolean> write(List<Write> group) {
        List<Long> ids = new ArrayList<>(group.size());
        for (Write w : group) {
            if (w instanceof Outcome outcome) {
                outcome.change().run();
            } else if (w instanceof Claim claim) {
                ids.add(claim.id());
            }
        }
        java.util.Iterator<Boolean> claimed = (ids.isEmpty() ? List.<Boolean>of() : claim(ids)).iterator();
        List<Boolean> results = new ArrayList<>(group.size());
        for (Write w : group) {
            results.add(w instanceof Claim ? claimed.next() : Boolean.TRUE);
        }
        return results;
    }

    /** An outcome, committed with whatever else is waiting when this returns. */
    private void outcome(Runnable change) throws InterruptedException {
        writes.submit(new Outcome(change));
    }

    private List<Boolean> claim(List<Long> ids) {
        // a number in Arauto's own opt-out list, with or without its ninth digit, is never claimed, however recently it got there
        Timestamp now = now();
        int[] claimed = jdbc.batchUpdate("update message set status = 'SENDING', attempts = attempts + 1, updated_at = ? "
                + "where id = ? and status = 'QUEUED' and (next_attempt_at is null or next_attempt_at <= ?) "
                // an operator's pause (or a cancel) committed after the batch was taken: nothing more of the campaign is claimed
                + "and exists (select 1 from campaign c where c.id = message.campaign_id and c.status = 'ACTIVE') "
                + "and not exists (select 1 from opt_out o where o.phone_e164 = message.phone_e164) "
                + "and not exists (select 1 from opt_out o where o.twin_e164 = message.phone_e164)", new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        ps.setTimestamp(1, now);
                        ps.setLong(2, ids.get(i));
                        ps.setTimestamp(3, now); // a retry not yet due stays QUEUED, even when a batch taken earlier still holds it
                    }

                    @Override
                    public int getBatchSize() {
                        return ids.size();
                    }
                });
        List<Boolean> results = new ArrayList<>(ids.size());
        List<Long> sending = new ArrayList<>(ids.size());
        for (int i = 0; i < claimed.length; i++) {
            results.add(claimed[i] == 1);
            if (claimed[i] == 1) {
                sending.add(ids.get(i));
            }
        }
        requested(sending, now);
        markClaimed(sending, now);
        return results;
    }

    /**
     * From now on a request to these messages' numbers may leave: in the same commit as their claim,
     * for the daily tier ({@link #recipientsSince}).
     */
    private void requested(List<Long> ids, Timestamp now) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("insert into recipient_request (phone_e164, requested_at) select phone_e164, ? from message "
                + "where id = ? and phone_e164 is not null", ids, ids.size(), (ps, id) -> {
                    ps.setTimestamp(1, now);
                    ps.setLong(2, id);
                });
    }

    /**
     * Each campaign with a message claimed now: its sending mark says when, so that the watchdog looks for abandoned SENDING
     * messages only in campaigns claimed from lately ({@link #lastClaims}). A message's claim time is its {@code updated_at}
     * for as long as it stays SENDING, so a campaign's mark is at least that of every message of it SENDING.
     */
    private void markClaimed(List<Long> ids, Timestamp now) {
        ids.stream().map(MessageLedger::campaignOf).distinct().forEach(campaign -> {
            if (jdbc.update("update sending_mark set claimed_at = ? where campaign_id = ?", now, campaign) == 0) {
                jdbc.update("insert into sending_mark (campaign_id, claimed_at) select ?, ? "
                        + "where not exists (select 1 from sending_mark where campaign_id = ?)", campaign, now, campaign);
            }
        });
    }

    /** When a message of each campaign not settled yet (ACTIVE or PAUSED) was last claimed; campaigns never claimed from are not in it. */
    public Map<Long, Instant> lastClaims() {
        Map<Long, Instant> claims = new HashMap<>();
        jdbc.query("select s.campaign_id, s.claimed_at from sending_mark s join campaign c on c.id = s.campaign_id "
                + "where c.status in ('ACTIVE', 'PAUSED')", rs -> {
                    claims.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
                });
        return claims;
    }

    /**
     * The outcomes below are committed when they return, together with those of other senders. A
     * repeated provider id (never from Meta; a stub may answer one) keeps its first message.
     */
    public void markSent(long campaignId, int row, String wamid) throws InterruptedException {
        markSent(campaignId, row, wamid, () -> { });
    }

    /**
     * As {@link #markSent(long, int, String)}, with {@code andThen} (e.g. its audit record) in the same commit when the message
     * changed. From then on the message waits for a reply (awaiting_reply). A status webhook that found the message by its key
     * before this outcome was recorded (Meta can be that quick) has moved it on and kept its id: it counts as sent all the same.
     */
    public void markSent(long campaignId, int row, String wamid, Runnable andThen) throws InterruptedException {
        outcome(() -> {
            long id = key(campaignId, row);
            Timestamp now = now();
            int sent = jdbc.update("update message set status = 'SENT', wamid = ?, reason = null, error_code = null, "
                    + "next_attempt_at = null, updated_at = ? where id = ? and status in ('SENDING', 'UNCERTAIN')", wamid, now, id);
            boolean overtaken = sent == 0 && jdbc.queryForObject("select count(*) from message where id = ? and wamid = ?",
                    Integer.class, id, wamid) > 0;
            if (sent > 0 || overtaken) {
                jdbc.update("insert into sent_message (wamid, message_id) select ?, ? from ledger_probe "
                        + "where not exists (select 1 from sent_message where wamid = ?)", wamid, id, wamid);
                awaitReply(id, now);
                andThen.run();
            }
        });
    }

    /** The message now waits for its recipient's reply (or its expiry), from {@code sentAt}. */
    private void awaitReply(long id, Timestamp sentAt) {
        jdbc.update("insert into awaiting_reply (message_id, phone_e164, sent_at) select id, phone_e164, ? from message "
                + "where id = ? and phone_e164 is not null and not exists (select 1 from awaiting_reply where message_id = ?)",
                sentAt, id, id);
    }

    public void markFailed(long campaignId, int row, String code, String reason) throws InterruptedException {
        outcome(() -> jdbc.update("update message set status = 'FAILED', error_code = ?, reason = ?, next_attempt_at = null, "
                        + "updated_at = ? where id = ? and status = 'SENDING'",
                truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    public void markUncertain(long campaignId, int row, String reason) throws InterruptedException {
        outcome(() -> jdbc.update("update message set status = 'UNCERTAIN', reason = ?, updated_at = ? "
                + "where id = ? and status = 'SENDING'", truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** A claimed message whose request certainly never left: QUEUED again as it was, the attempt not counted. */
    public void release(long campaignId, int row) throws InterruptedException {
        // a message held back because its campaign paused meanwhile says why, as the campaign's other queued rows do
        outcome(() -> jdbc.update("update message set status = 'QUEUED', attempts = attempts - 1, updated_at = ?, "
                + "reason = coalesce((select c.paused_reason from campaign c where c.id = ?), reason) "
                + "where id = ? and status = 'SENDING'", now(), campaignId, key(campaignId, row)));
    }

    /** Back to QUEUED for another attempt at {@code notBefore}; the error is kept as the reason meanwhile. */
    public void retryLater(long campaignId, int row, Instant notBefore, String code, String reason) throws InterruptedException {
        outcome(() -> jdbc.update("update message set status = 'QUEUED', next_attempt_at = ?, error_code = ?, reason = ?, "
                        + "updated_at = ? where id = ? and status = 'SENDING'",
                Timestamp.from(notBefore), truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /**
     * A SENDING message that got no further through no fault of its own (Meta asked everyone to slow
     * down, its template or the account was refused, its number had just had a message): back to
     * QUEUED, due at {@code notBefore} (null: whenever it is handed out again), and the attempt its
     * claim counted does not count.
     */
    public void requeue(long campaignId, int row, Instant notBefore, String code, String reason) throws InterruptedException {
        outcome(() -> jdbc.update("update message set status = 'QUEUED', attempts = attempts - 1, next_attempt_at = ?, "
                        + "error_code = ?, reason = ?, updated_at = ? where id = ? and status = 'SENDING'",
                notBefore == null ? new SqlParameterValue(Types.TIMESTAMP, null) : Timestamp.from(notBefore),
                truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** Meta took the message but its id cannot be kept (the ledger refused it): SENT all the same, saying so. */
    public void markSentWithoutId(long campaignId, int row, String reason) throws InterruptedException {
        outcome(() -> {
            Timestamp now = now();
            if (jdbc.update("update message set status = 'SENT', wamid = null, reason = ?, error_code = null, "
                    + "next_attempt_at = null, updated_at = ? where id = ? and status in ('SENDING', 'UNCERTAIN')",
                    truncate(reason, 1000), now, key(campaignId, row)) > 0) {
                awaitReply(key(campaignId, row), now);
            }
        });
    }

    /** A SENDING message the provider refused because its number stopped such messages (Meta's 131050). */
    public void markOptedOutWhileSending(long campaignId, int row, String code, String reason) throws InterruptedException {
        outcome(() -> jdbc.update("update message set status = 'OPTED_OUT', error_code = ?, reason = ?, next_attempt_at = null, "
                + "updated_at = ? where id = ? and status = 'SENDING'", truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** A QUEUED message that may not leave before {@code until}, and why (the status files show it). */
    public record Hold(long campaignId, int row, Instant until, String reason) { }

    /**
     * Puts QUEUED messages off until their hold's time, with its reason: {@link #queued} hands them
     * out again only then. Not an attempt (attempts are unchanged), and a message no longer QUEUED
     * (claimed, cancelled) is left alone. One commit for all of them.
     */
    public void holdUntil(List<Hold> holds) {
        if (holds.isEmpty()) {
            return;
        }
        Timestamp now = now();
        tx.executeWithoutResult(t -> jdbc.batchUpdate("update message set next_attempt_at = ?, reason = ?, updated_at = ? "
                + "where id = ? and status = 'QUEUED'", new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        Hold hold = holds.get(i);
                        ps.setTimestamp(1, Timestamp.from(hold.until()));
                        ps.setString(2, truncate(hold.reason(), 1000));
                        ps.setTimestamp(3, now);
                        ps.setLong(4, key(hold.campaignId(), hold.row()));
                    }

                    @Override
                    public int getBatchSize() {
                        return holds.size();
                    }
                }));
    }

    /** The numbers a request may have gone to after {@code since}, and when the first of them ages out. */
    public record Recipients(int count, Instant oldestLastRequest) { }

    /**
     * How many numbers had a request (any campaign, any instance) after {@code since}, each counted
     * once, and the earliest of their last requests: {@code since} passing it frees one number.
     */
    public Recipients recipientsSince(Instant since) {
        return jdbc.queryForObject("select count(*), min(last_request) from (select max(requested_at) as last_request "
                        + "from recipient_request where requested_at > ? group by phone_e164) recent",
                (rs, i) -> {
                    Timestamp oldest = rs.getTimestamp(2);
                    return new Recipients(rs.getInt(1), oldest == null ? null : oldest.toInstant());
                }, Timestamp.from(since));
    }

    /** Forgets the requests made before {@code before}: they no longer count, and the table stays small. */
    public int forgetRequestsBefore(Instant before) {
        return jdbc.update("delete from recipient_request where requested_at < ?", Timestamp.from(before));
    }

    /** Which of {@code phones} had a request after {@code since}. */
    public Set<String> requestedSince(Collection<String> phones, Instant since) {
        if (phones.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(named.queryForList("select distinct phone_e164 from recipient_request where requested_at > :since "
                + "and phone_e164 in (:phones)", new MapSqlParameterSource("since", Timestamp.from(since))
                .addValue("phones", new LinkedHashSet<>(phones)), String.class));
    }

    /** A campaign's QUEUED messages, and the numbers among them with no request after {@code since} (new to the daily tier). */
    public record QueuedCount(int messages, int newRecipients) { }

    /**
     * How many QUEUED messages the campaign has, and to how many of their numbers no request went after {@code since}; one
     * range scan, each number looked up in the requests' index. A campaign's QUEUED numbers are distinct (a number's later
     * rows are DUPLICATE), so they are counted, not collected: a million-row dry run needs no set of its numbers in memory.
     */
    public QueuedCount queuedCount(long campaignId, Instant since) {
        return jdbc.queryForObject("select count(*), count(case when not exists (select 1 from recipient_request r "
                        + "where r.phone_e164 = m.phone_e164 and r.requested_at > ?) then 1 end) "
                        + "from message m where m.id >= ? and m.id < ? and m.status = 'QUEUED'",
                (rs, i) -> new QueuedCount(rs.getInt(1), rs.getInt(2)), Timestamp.from(since), first(campaignId), first(campaignId + 1));
    }

    /** Rows {@link #noteQueued} changes per transaction: a million-row dry run is never one transaction held in memory. */
    static final int NOTE_ROWS = 10_000;

    /**
     * Puts {@code note} before the reason of every QUEUED message of the campaign (a dry run's: what sending it would take),
     * {@value #NOTE_ROWS} rows at a time, each range committed on its own. Returns how many were noted.
     */
    public int noteQueued(long campaignId, String note) {
        List<Long> last = jdbc.queryForList("select id from message where id >= ? and id < ? order by id desc fetch first 1 rows only",
                Long.class, first(campaignId), first(campaignId + 1));
        if (last.isEmpty()) {
            return 0;
        }
        String text = truncate(note, 900);
        Timestamp at = now();
        int noted = 0;
        for (long from = first(campaignId); from <= last.get(0); from += NOTE_ROWS) {
            noted += jdbc.update("update message set reason = left(? || coalesce(' ' || reason, ''), 1000), updated_at = ? "
                    + "where id >= ? and id < ? and status = 'QUEUED'", text, at, from, from + NOTE_ROWS);
        }
        return noted;
    }

    /** A QUEUED message whose number opted out since its row was read. */
    public boolean markOptedOut(long campaignId, int row, String reason) {
        return jdbc.update("update message set status = 'OPTED_OUT', reason = ?, updated_at = ? "
                + "where id = ? and status = 'QUEUED'", reason, now(), key(campaignId, row)) == 1;
    }

    /** What a status report did: whether it named a message the ledger knows, and the campaign when the message changed. */
    public record StatusApplied(boolean known, Long campaignId) {
        public boolean changed() {
            return campaignId != null;
        }
    }

    /**
     * Every QUEUED message to one of {@code phones} (a number and its ninth-digit twin), in every campaign
     * that may hold one (being read, active or paused), becomes OPTED_OUT with {@code reason}; in the
     * caller's transaction. Each campaign's range of keys is scanned (the message table has no index on the
     * number, so that intake keeps its speed). Returns how many messages each campaign had stopped.
     */
    public Map<Long, Integer> optOutQueued(Collection<String> phones, String reason) {
        Map<Long, Integer> stopped = new LinkedHashMap<>();
        if (phones.isEmpty()) {
            return stopped;
        }
        List<Long> campaigns = jdbc.queryForList("select id from campaign where status in ('READING', 'ACTIVE', 'PAUSED') order by id",
                Long.class);
        MapSqlParameterSource params = new MapSqlParameterSource("phones", new LinkedHashSet<>(phones))
                .addValue("reason", truncate(reason, 1000)).addValue("now", now());
        for (long campaign : campaigns) {
            int n = named.update("update message set status = 'OPTED_OUT', reason = :reason, next_attempt_at = null, updated_at = :now "
                    + "where id >= :first and id < :end and phone_e164 in (:phones) and status = 'QUEUED'",
                    params.addValue("first", first(campaign)).addValue("end", first(campaign + 1)));
            if (n > 0) {
                stopped.put(campaign, n);
            }
        }
        return stopped;
    }

    /**
     * Applies a provider's status report, only forward, to the message with that wamid or, failing
     * that, with that ledger key (Meta's {@code biz_opaque_callback_data}); a message found by its key
     * keeps the wamid if it had none (its send outcome may not be recorded yet). Either may be null.
     */
    public StatusApplied applyStatus(String wamid, Long key, MessageStatus status, String code, String reason) {
        return tx.execute(t -> {
            Long id = wamid == null ? null
                    : jdbc.queryForList("select message_id from sent_message where wamid = ?", Long.class, wamid).stream().findFirst().orElse(null);
            if (id == null && key != null) {
                List<Boolean> withoutWamid = jdbc.queryForList("select wamid is null from message where id = ?", Boolean.class, key);
                if (withoutWamid.isEmpty()) {
                    return new StatusApplied(false, null);
                }
                id = key;
                if (wamid != null && withoutWamid.get(0)) {
                    jdbc.update("update message set wamid = ? where id = ? and wamid is null", wamid, id);
                    jdbc.update("insert into sent_message (wamid, message_id) select ?, ? from ledger_probe "
                            + "where not exists (select 1 from sent_message where wamid = ?)", wamid, id, wamid);
                }
            }
            if (id == null) {
                return new StatusApplied(false, null);
            }
            return new StatusApplied(true, moveForward(id, status, code, reason) ? campaignOf(id) : null);
        });
    }

    /** Applies a status by wamid alone (the provider's id); the campaign when the message changed. */
    public Optional<Long> applyStatus(String wamid, MessageStatus status, String code, String reason) {
        return Optional.ofNullable(applyStatus(wamid, null, status, code, reason).campaignId());
    }

    private boolean moveForward(long id, MessageStatus status, String code, String reason) {
        List<String> lower = Arrays.stream(MessageStatus.values()).filter(s -> s.canMoveTo(status)).map(Enum::name).toList();
        if (lower.isEmpty()) {
            return false;
        }
        return named.update("update message set status = :status, error_code = coalesce(:code, error_code), "
                + "reason = :reason, updated_at = :now where id = :id and status in (:lower)", new MapSqlParameterSource()
                .addValue("status", status.name()).addValue("code", truncate(code, 32)).addValue("reason", truncate(reason, 1000))
                .addValue("now", now()).addValue("id", id).addValue("lower", lower)) > 0;
    }

    private static long campaignOf(long id) {
        return id >>> 32;
    }

    /** The message a provider's id names, if the ledger knows it. */
    public Optional<Long> messageOf(String wamid) {
        return jdbc.queryForList("select message_id from sent_message where wamid = ?", Long.class, wamid).stream().findFirst();
    }

    /** The latest message sent to any of {@code phones} (one number, written the ways it may be) still waiting for a reply. */
    public Optional<Long> latestAwaitingReply(Collection<String> phones) {
        if (phones.isEmpty()) {
            return Optional.empty();
        }
        return named.queryForList("select a.message_id from awaiting_reply a join message m on m.id = a.message_id "
                + "where a.phone_e164 in (:phones) and m.status in ('SENT', 'DELIVERED', 'READ') "
                + "order by a.sent_at desc, a.message_id desc fetch first 1 rows only",
                new MapSqlParameterSource("phones", new LinkedHashSet<>(phones)), Long.class).stream().findFirst();
    }

    /** The recipient answered the message: REPLIED (if it may still move there), no longer waiting. The campaign when it changed. */
    public Optional<Long> markReplied(long id) {
        return tx.execute(t -> {
            jdbc.update("delete from awaiting_reply where message_id = ?", id);
            return moveForward(id, MessageStatus.REPLIED, null, null) ? Optional.of(campaignOf(id)) : Optional.<Long>empty();
        });
    }

    /** A message that got no reply in time, and the status it had reached. */
    public record Expired(long campaignId, long messageId, MessageStatus reached) { }

    /**
     * Up to {@code limit} messages sent before {@code sentBefore} still waiting for a reply become
     * EXPIRED, each with the reason {@code reasons} gives for the status it had reached (SENT,
     * DELIVERED or READ); they stop waiting, as do those that went elsewhere meanwhile (FAILED).
     * One commit. Returns those that expired; fewer than {@code limit} rows looked at means no more are due.
     */
    public List<Expired> expireUnanswered(Instant sentBefore, int limit, Function<MessageStatus, String> reasons) {
        return tx.execute(t -> {
            Timestamp now = now();
            List<Expired> expired = new ArrayList<>();
            List<Object[]> due = jdbc.query("select a.message_id, m.status from awaiting_reply a left join message m on m.id = a.message_id "
                    + "where a.sent_at < ? order by a.sent_at fetch first " + limit + " rows only",
                    (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)}, Timestamp.from(sentBefore));
            for (Object[] row : due) {
                long id = (Long) row[0];
                MessageStatus reached = row[1] == null ? null : MessageStatus.valueOf((String) row[1]);
                boolean waiting = reached == MessageStatus.SENT || reached == MessageStatus.DELIVERED || reached == MessageStatus.READ;
                if (waiting) {
                    if (jdbc.update("update message set status = 'EXPIRED', reason = ?, updated_at = ? where id = ? and status = ?",
                            truncate(reasons.apply(reached), 1000), now, id, reached.name()) == 0) {
                        continue; // it moved on meanwhile: looked at again next time
                    }
                    expired.add(new Expired(campaignOf(id), id, reached));
                }
                jdbc.update("delete from awaiting_reply where message_id = ?", id);
            }
            return expired;
        });
    }

    /**
     * A message of the campaign still SENDING since before {@code before} was being sent when an
     * Arauto stopped: it may or may not have left, so it becomes UNCERTAIN and is never sent again
     * on its own. (A running sender settles a message within the provider's timeout.)
     */
    public int uncertainIfStale(long campaignId, Instant before) {
        return jdbc.update("update message set status = 'UNCERTAIN', reason = ?, updated_at = ? "
                        + "where id >= ? and id < ? and status = 'SENDING' and updated_at < ?",
                "Arauto stopped while this message was being sent; it may or may not have arrived, so it is not sent again.", now(),
                first(campaignId), first(campaignId + 1), Timestamp.from(before));
    }

    /** What a report writer does with a campaign's lines. */
    @FunctionalInterface
    public interface LinesReader {
        void read(Iterator<StatusLine> lines) throws java.io.IOException;
    }

    /** Lines a report reads from the ledger at a time. */
    static final int LINES_PAGE = 5_000;

    /**
     * Hands the campaign's lines, in row order, to {@code reader}, read from the database a page
     * at a time (by key, each page a short query of its own): no transaction stays open while
     * the report is written, and H2 never copies a big result aside before handing it over, as
     * it does with one query over a million rows.
     */
    public void withLines(long campaignId, LinesReader reader) {
        try {
            reader.read(new Iterator<>() {
                private Iterator<StatusLine> page = java.util.Collections.emptyIterator();
                private long next = first(campaignId);
                private boolean last;

                @Override
                public boolean hasNext() {
                    if (!page.hasNext() && !last) {
                        List<StatusLine> lines = linesFrom(next, first(campaignId + 1));
                        last = lines.size() < LINES_PAGE;
                        if (!lines.isEmpty()) {
                            next = key(campaignId, lines.get(lines.size() - 1).row()) + 1;
                        }
                        page = lines.iterator();
                    }
                    return page.hasNext();
                }

                @Override
                public StatusLine next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return page.next();
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A row as {@link #linesFrom} reads it back once {@link #insert inserted} at {@code at} and before anything changed it. */
    static StatusLine asInserted(JudgedRow r, Instant at) {
        return new StatusLine(r.row(), truncate(r.phone(), 255), r.e164(), r.status().name(), truncate(r.reason(), 1000), null, null, at,
                r.cells());
    }

    private List<StatusLine> linesFrom(long fromKey, long toKey) {
        return jdbc.query("select row_num, phone, phone_e164, status, reason, error_code, wamid, updated_at, input from message "
                + "where id >= ? and id < ? order by id fetch first " + LINES_PAGE + " rows only", (rs, i) -> {
                    Timestamp updated = rs.getTimestamp(8);
                    return new StatusLine(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), updated == null ? null : updated.toInstant(), fromJson(rs.getString(9)));
                }, fromKey, toKey);
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /**
     * A row's input cells as the JSON array Jackson writes for them (a null cell as {@code null}), escaped by Jackson's
     * {@link JsonStringEncoder}: the same text, without a generator and its context made for each of a million rows.
     */
    static String toJson(List<String> cells) {
        StringBuilder text = new StringBuilder(2 + 16 * cells.size()).append('[');
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            String cell = cells.get(i);
            if (cell == null) {
                text.append("null");
            } else {
                JSON_STRINGS.quoteAsString(cell, text.append('"'));
                text.append('"');
            }
        }
        return text.append(']').toString();
    }

    private List<String> fromJson(String text) {
        try {
            return cells.readValue(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable row in the ledger: " + text, e);
        }
    }
}
