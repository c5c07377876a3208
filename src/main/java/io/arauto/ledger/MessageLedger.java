package io.arauto.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
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

    private final JdbcTemplate jdbc;
    private final JdbcTemplate streaming;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final GroupCommit<Long, Boolean> claims;
    private final GroupCommit<Runnable, Boolean> outcomes;

    public MessageLedger(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.claims = new GroupCommit<>(tx, this::claim);
        this.outcomes = new GroupCommit<>(tx, writes -> {
            writes.forEach(Runnable::run);
            return java.util.Collections.nCopies(writes.size(), Boolean.TRUE);
        });
        this.streaming = new JdbcTemplate(jdbc.getDataSource());
        this.streaming.setFetchSize(1000);
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
        this.json = json;
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

    /** Writes one batch of judged rows in one transaction. */
    public void insert(long campaignId, List<JudgedRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(clock.instant());
        tx.executeWithoutResult(status -> {
            if (jdbc.update("update campaign set heartbeat_at = ? where id = ? and status = 'READING'", now, campaignId) == 0) {
                throw new IllegalStateException("Campaign " + campaignId + " was dropped while its file was being read");
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
     * Claims a QUEUED message for sending; false when another sender or a cancel got there first.
     * The SENDING mark is committed when this returns (claims of concurrent senders share one
     * commit), so a crash after the request left can never show the message QUEUED again.
     */
    public boolean markSending(long campaignId, int row) throws InterruptedException {
        return claims.submit(key(campaignId, row));
    }

    private List<Boolean> claim(List<Long> ids) {
        // a number in Arauto's own opt-out list, with or without its ninth digit, is never claimed, however recently it got there
        Timestamp now = now();
        int[] claimed = jdbc.batchUpdate("update message set status = 'SENDING', attempts = attempts + 1, updated_at = ? "
                + "where id = ? and status = 'QUEUED' and (next_attempt_at is null or next_attempt_at <= ?) "
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
     * The outcomes below are committed when they return, together with those of other senders. A
     * repeated provider id (never from Meta; a stub may answer one) keeps its first message.
     */
    public void markSent(long campaignId, int row, String wamid) throws InterruptedException {
        markSent(campaignId, row, wamid, () -> { });
    }

    /** As {@link #markSent(long, int, String)}, with {@code andThen} (e.g. its audit record) in the same commit when the message changed. */
    public void markSent(long campaignId, int row, String wamid, Runnable andThen) throws InterruptedException {
        outcomes.submit(() -> {
            int sent = jdbc.update("update message set status = 'SENT', wamid = ?, reason = null, error_code = null, "
                    + "next_attempt_at = null, updated_at = ? where id = ? and status in ('SENDING', 'UNCERTAIN')", wamid, now(), key(campaignId, row));
            if (sent > 0) {
                jdbc.update("insert into sent_message (wamid, message_id) select ?, ? from ledger_probe "
                        + "where not exists (select 1 from sent_message where wamid = ?)", wamid, key(campaignId, row), wamid);
                andThen.run();
            }
        });
    }

    public void markFailed(long campaignId, int row, String code, String reason) throws InterruptedException {
        outcomes.submit(() -> jdbc.update("update message set status = 'FAILED', error_code = ?, reason = ?, next_attempt_at = null, "
                        + "updated_at = ? where id = ? and status = 'SENDING'",
                truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    public void markUncertain(long campaignId, int row, String reason) throws InterruptedException {
        outcomes.submit(() -> jdbc.update("update message set status = 'UNCERTAIN', reason = ?, updated_at = ? "
                + "where id = ? and status = 'SENDING'", truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** A claimed message whose request certainly never left: QUEUED again as it was, the attempt not counted. */
    public void release(long campaignId, int row) throws InterruptedException {
        // a message held back because its campaign paused meanwhile says why, as the campaign's other queued rows do
        outcomes.submit(() -> jdbc.update("update message set status = 'QUEUED', attempts = attempts - 1, updated_at = ?, "
                + "reason = coalesce((select c.paused_reason from campaign c where c.id = ?), reason) "
                + "where id = ? and status = 'SENDING'", now(), campaignId, key(campaignId, row)));
    }

    /** Back to QUEUED for another attempt at {@code notBefore}; the error is kept as the reason meanwhile. */
    public void retryLater(long campaignId, int row, Instant notBefore, String code, String reason) throws InterruptedException {
        outcomes.submit(() -> jdbc.update("update message set status = 'QUEUED', next_attempt_at = ?, error_code = ?, reason = ?, "
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
        outcomes.submit(() -> jdbc.update("update message set status = 'QUEUED', attempts = attempts - 1, next_attempt_at = ?, "
                        + "error_code = ?, reason = ?, updated_at = ? where id = ? and status = 'SENDING'",
                notBefore == null ? new SqlParameterValue(Types.TIMESTAMP, null) : Timestamp.from(notBefore),
                truncate(code, 32), truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** Meta took the message but its id cannot be kept (the ledger refused it): SENT all the same, saying so. */
    public void markSentWithoutId(long campaignId, int row, String reason) throws InterruptedException {
        outcomes.submit(() -> jdbc.update("update message set status = 'SENT', wamid = null, reason = ?, error_code = null, "
                + "next_attempt_at = null, updated_at = ? where id = ? and status in ('SENDING', 'UNCERTAIN')",
                truncate(reason, 1000), now(), key(campaignId, row)));
    }

    /** A SENDING message the provider refused because its number stopped such messages (Meta's 131050). */
    public void markOptedOutWhileSending(long campaignId, int row, String code, String reason) throws InterruptedException {
        outcomes.submit(() -> jdbc.update("update message set status = 'OPTED_OUT', error_code = ?, reason = ?, next_attempt_at = null, "
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

    /** A QUEUED message whose number opted out since its row was read. */
    public boolean markOptedOut(long campaignId, int row, String reason) {
        return jdbc.update("update message set status = 'OPTED_OUT', reason = ?, updated_at = ? "
                + "where id = ? and status = 'QUEUED'", reason, now(), key(campaignId, row)) == 1;
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
     * Applies a provider's status report to the message with that wamid, only forward. Returns the
     * campaign id when the message changed.
     */
    public Optional<Long> applyStatus(String wamid, MessageStatus status, String code, String reason) {
        List<String> lower = Arrays.stream(MessageStatus.values()).filter(s -> s.canMoveTo(status)).map(Enum::name).toList();
        if (lower.isEmpty()) {
            return Optional.empty();
        }
        return tx.execute(t -> {
            List<Long> ids = jdbc.queryForList("select message_id from sent_message where wamid = ?", Long.class, wamid);
            if (ids.isEmpty()) {
                return Optional.<Long>empty();
            }
            int changed = named.update("update message set status = :status, error_code = coalesce(:code, error_code), "
                    + "reason = :reason, updated_at = :now where id = :id and status in (:lower)", new MapSqlParameterSource()
                    .addValue("status", status.name()).addValue("code", truncate(code, 32)).addValue("reason", truncate(reason, 1000))
                    .addValue("now", now()).addValue("id", ids.get(0)).addValue("lower", lower));
            return changed > 0 ? Optional.of(ids.get(0) >>> 32) : Optional.<Long>empty();
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

    /**
     * Hands the campaign's lines, in row order, to {@code reader} as a stream from the database
     * (in a read transaction, so PostgreSQL fetches in chunks instead of all at once).
     */
    public void withLines(long campaignId, LinesReader reader) {
        tx.executeWithoutResult(t -> {
            try (var lines = streaming.queryForStream("select row_num, phone, phone_e164, status, reason, error_code, wamid, "
                    + "updated_at, input from message where id >= ? and id < ? order by id", (rs, i) -> {
                        Timestamp updated = rs.getTimestamp(8);
                        return new StatusLine(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), updated == null ? null : updated.toInstant(), fromJson(rs.getString(9)));
                    }, first(campaignId), first(campaignId + 1))) {
                reader.read(lines.iterator());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private String toJson(List<String> cells) {
        try {
            return json.writeValueAsString(cells);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> fromJson(String text) {
        try {
            return json.readValue(text, CELLS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable row in the ledger: " + text, e);
        }
    }
}
