package io.arauto.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.verdict.MessageStatus;

/** Campaign rows of the ledger: created when a file is opened, settled when nothing is left to send. */
@Component
public class CampaignLedger {

    private static final String COLUMNS = "id, name, template, source, source_file, file_sha256, input_header, status, "
            + "total_rows, created_at, read_at, settled_at, archived_at";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    public CampaignLedger(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    public long create(String name, String template, String source, String sourceFile, String sha256, List<String> header) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            var ps = con.prepareStatement("insert into campaign (name, template, source, source_file, file_sha256, "
                    + "input_header, status, created_at, heartbeat_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
            ps.setString(1, name);
            ps.setString(2, template);
            ps.setString(3, source);
            ps.setString(4, sourceFile);
            ps.setString(5, sha256);
            ps.setString(6, toJson(header));
            ps.setString(7, CampaignStatus.READING.name());
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
            ps.setTimestamp(9, Timestamp.from(clock.instant()));
            return ps;
        }, key);
        return key.getKey().longValue();
    }

    /**
     * A campaign that is sendable at once and takes rows one by one until {@code openUntil} (a rolling campaign: the CRM
     * trigger table's), not settled before then however idle. In the caller's transaction.
     */
    long createOpen(String name, String template, String source, String sourceFile, List<String> header, Instant openUntil) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update(con -> {
            var ps = con.prepareStatement("insert into campaign (name, template, source, source_file, input_header, status, "
                    + "created_at, read_at, heartbeat_at, open_until) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
            ps.setString(1, name);
            ps.setString(2, template);
            ps.setString(3, source);
            ps.setString(4, sourceFile);
            ps.setString(5, toJson(header));
            ps.setString(6, CampaignStatus.ACTIVE.name());
            ps.setTimestamp(7, now);
            ps.setTimestamp(8, now);
            ps.setTimestamp(9, now);
            ps.setTimestamp(10, Timestamp.from(openUntil));
            return ps;
        }, key);
        return key.getKey().longValue();
    }

    public Optional<Campaign> find(long id) {
        return jdbc.query("select " + COLUMNS + " from campaign where id = ?", this::map, id).stream().findFirst();
    }

    /** An accepted campaign of the same template whose file had the same bytes, received since {@code since}. */
    public Optional<Campaign> findSameFile(String template, String sha256, Instant since) {
        return jdbc.query("select " + COLUMNS + " from campaign where template = ? and file_sha256 = ? and created_at >= ? "
                        + "and status in ('ACTIVE', 'PAUSED', 'DONE', 'CANCELLED') order by id", this::map,
                template, sha256, Timestamp.from(since)).stream().findFirst();
    }

    /** {@link #markReadUnlessTwin(long, String, String, Instant, int, boolean, boolean)} for a real campaign. */
    public Optional<Long> markReadUnlessTwin(long id, String template, String sha256, Instant since, int totalRows,
                                             boolean anythingQueued) {
        return markReadUnlessTwin(id, template, sha256, since, totalRows, anythingQueued, false);
    }

    /**
     * Marks the campaign read unless a campaign of the same template and bytes, received since
     * {@code since}, was accepted meanwhile (two copies read at once, by two instances or two
     * sources): the twins' rows are locked first, so of two such copies only one is ever accepted.
     * Returns the twin that was accepted instead, or empty when this one was (or {@code dropped}). A dry run is
     * never anyone's twin: it sends nothing, so the real file after it must not be refused.
     */
    public Optional<Long> markReadUnlessTwin(long id, String template, String sha256, Instant since, int totalRows,
                                             boolean anythingQueued, boolean dryRun) {
        return markReadUnlessTwin(id, template, sha256, since, totalRows, anythingQueued, dryRun, null, null);
    }

    /**
     * As {@link #markReadUnlessTwin(long, String, String, Instant, int, boolean, boolean)}; with a {@code sendAt} (a real
     * campaign only), its QUEUED messages wait until then with {@code waitingReason}, in the same commit that makes it ACTIVE,
     * so nothing of it is ever sendable before that time.
     */
    public Optional<Long> markReadUnlessTwin(long id, String template, String sha256, Instant since, int totalRows,
                                             boolean anythingQueued, boolean dryRun, Instant sendAt, String waitingReason) {
        return tx.execute(status -> {
            List<Map<String, Object>> twins = jdbc.queryForList("select id, status from campaign where template = ? "
                    + "and file_sha256 = ? and created_at >= ? and status not in ('REJECTED', 'DRY_RUN') order by id for update",
                    template, sha256, Timestamp.from(since));
            for (Map<String, Object> twin : twins) { // Spring's column maps ignore case: H2 says ID, PostgreSQL id
                long twinId = ((Number) twin.get("id")).longValue();
                if (twinId != id && !CampaignStatus.READING.name().equals(twin.get("status"))) {
                    return Optional.of(twinId);
                }
            }
            if (!(dryRun ? markDryRun(id, totalRows) : markRead(id, totalRows, anythingQueued))) {
                throw new IllegalStateException("Campaign " + id + " was dropped while its file was being read");
            }
            if (sendAt != null && !dryRun) {
                holdUntil(id, sendAt, waitingReason);
            }
            return Optional.<Long>empty();
        });
    }

    /**
     * All rows are in the ledger: the campaign may be sent, or is already done when nothing was queued.
     * False when it is no longer being read (dropped meanwhile), and then nothing of it is sendable.
     */
    public boolean markRead(long id, int totalRows, boolean anythingQueued) {
        Instant now = clock.instant();
        return jdbc.update("update campaign set status = ?, total_rows = ?, read_at = ?, settled_at = ?, report_dirty = true "
                        + "where id = ? and status = ?",
                (anythingQueued ? CampaignStatus.ACTIVE : CampaignStatus.DONE).name(), totalRows, Timestamp.from(now),
                anythingQueued ? null : Timestamp.from(now), id, CampaignStatus.READING.name()) == 1;
    }

    /** All rows of a dry run are in the ledger: it is settled at once as DRY_RUN, and nothing of it is ever sent. */
    public boolean markDryRun(long id, int totalRows) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.update("update campaign set status = ?, total_rows = ?, read_at = ?, settled_at = ?, report_dirty = true "
                + "where id = ? and status = ?", CampaignStatus.DRY_RUN.name(), totalRows, now, now, id, CampaignStatus.READING.name()) == 1;
    }

    /** How many campaigns the ledger holds in each state. */
    public Map<CampaignStatus, Integer> countByStatus() {
        Map<CampaignStatus, Integer> counts = new EnumMap<>(CampaignStatus.class);
        jdbc.query("select status, count(*) from campaign group by status",
                rs -> { counts.put(CampaignStatus.valueOf(rs.getString(1)), rs.getInt(2)); });
        return counts;
    }

    /** The campaign's file has left its source's inbox for the archive. */
    public void markArchived(long id) {
        jdbc.update("update campaign set archived_at = ? where id = ? and archived_at is null", Timestamp.from(clock.instant()), id);
    }

    /** A campaign whose reader stopped renewing it before {@code before}: dropped like {@link #reject}, checked in the same statement. */
    public boolean rejectIfAbandoned(long id, Instant before) {
        return rejectReading(id, before);
    }

    /** Reports of campaigns still sending or settled since {@code since} are written again (a writer may have died mid-way). */
    public int markRecentDirty(Instant since) {
        return jdbc.update("update campaign set report_dirty = true where status in ('ACTIVE', 'PAUSED') or (status in ('DONE', 'DRY_RUN') and settled_at >= ?)",
                Timestamp.from(since));
    }

    /** A file rejected half-way: its rows leave the ledger so nothing of it is ever sent. */
    public boolean reject(long id) {
        return rejectReading(id, null);
    }

    /** Rejects the campaign and deletes its rows if it is still READING (and, given {@code staleBefore}, renewed before it). */
    private boolean rejectReading(long id, Instant staleBefore) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int rejected = staleBefore == null
                    ? jdbc.update("update campaign set status = ?, settled_at = ? where id = ? and status = ?",
                            CampaignStatus.REJECTED.name(), Timestamp.from(clock.instant()), id, CampaignStatus.READING.name())
                    : jdbc.update("update campaign set status = ?, settled_at = ? where id = ? and status = ? and heartbeat_at < ?",
                            CampaignStatus.REJECTED.name(), Timestamp.from(clock.instant()), id, CampaignStatus.READING.name(),
                            Timestamp.from(staleBefore));
            if (rejected > 0) { // only a campaign still being read; one that was accepted keeps its rows
                jdbc.update("delete from message where id >= ? and id < ?", MessageLedger.first(id), MessageLedger.first(id + 1));
            }
            return rejected > 0;
        }));
    }

    /**
     * Campaigns still READING whose reader stopped renewing them before {@code before}: a crash
     * interrupted them (their files are still in the inbox and will be read again). A campaign
     * another running instance is reading renews itself with every batch, so it is not among them.
     */
    public List<Long> abandonedReads(Instant before) {
        return jdbc.queryForList("select id from campaign where status = ? and heartbeat_at < ?", Long.class,
                CampaignStatus.READING.name(), Timestamp.from(before));
    }

    /** Campaigns whose messages may be sent now: a PAUSED campaign is not among them. */
    public List<Long> active() {
        return jdbc.queryForList("select id from campaign where status = ? order by id", Long.class, CampaignStatus.ACTIVE.name());
    }

    /**
     * The {@link #active()} campaigns sending now: not those whose send-at is still ahead (their messages are not due before
     * it either, but the send queue need not look through them at every poll meanwhile).
     */
    public List<Long> sendingNow() {
        return jdbc.queryForList("select id from campaign where status = ? and (send_at is null or send_at <= ?) order by id",
                Long.class, CampaignStatus.ACTIVE.name(), Timestamp.from(clock.instant()));
    }

    /**
     * Pauses an ACTIVE campaign with {@code reason}, which its QUEUED rows show as theirs meanwhile
     * (so the status file says why they wait); true when it was active and now is paused.
     */
    public boolean pause(long id, String reason) {
        return Boolean.TRUE.equals(tx.execute(t -> {
            Timestamp now = Timestamp.from(clock.instant());
            if (jdbc.update("update campaign set status = ?, paused_reason = ?, paused_at = ?, report_dirty = true where id = ? and status = ?",
                    CampaignStatus.PAUSED.name(), truncate(reason), now, id, CampaignStatus.ACTIVE.name()) == 0) {
                return false;
            }
            jdbc.update("update message set reason = ?, updated_at = ? where id >= ? and id < ? and status = 'QUEUED'",
                    truncate(reason), now, MessageLedger.first(id), MessageLedger.first(id + 1));
            return true;
        }));
    }

    /**
     * Lets a PAUSED campaign send again (an operator fixed its template at Meta or in the templates
     * file); its QUEUED rows lose the pause's reason. True when it was paused.
     */
    public boolean resume(long id) {
        return Boolean.TRUE.equals(tx.execute(t -> {
            List<String> reasons = jdbc.queryForList("select paused_reason from campaign where id = ? and status = ? for update",
                    String.class, id, CampaignStatus.PAUSED.name());
            if (reasons.isEmpty()) {
                return false;
            }
            jdbc.update("update campaign set status = ?, paused_reason = null, paused_at = null, report_dirty = true where id = ?",
                    CampaignStatus.ACTIVE.name(), id);
            jdbc.update("update message set reason = null, error_code = null, updated_at = ? where id >= ? and id < ? "
                    + "and status = 'QUEUED' and reason = ?", Timestamp.from(clock.instant()), MessageLedger.first(id),
                    MessageLedger.first(id + 1), reasons.get(0));
            return true;
        }));
    }

    /** The reason a message of a cancelled campaign shows. */
    public static final String CANCELLED_REASON = "The campaign was cancelled by an operator before this message was sent.";

    /**
     * Cancels an ACTIVE or PAUSED campaign: it becomes CANCELLED and its QUEUED messages CANCELLED, in one
     * transaction; messages already SENDING finish and keep their outcome (one that comes back QUEUED, to be
     * tried again, is cancelled by {@link #cancelLeftovers}). Returns how many messages were cancelled, or
     * empty when the campaign was in no state to be cancelled.
     */
    public Optional<Integer> cancel(long id) {
        return tx.execute(t -> {
            List<String> status = jdbc.queryForList("select status from campaign where id = ? for update", String.class, id);
            if (status.isEmpty() || !List.of(CampaignStatus.ACTIVE.name(), CampaignStatus.PAUSED.name()).contains(status.get(0))) {
                return Optional.<Integer>empty();
            }
            jdbc.update("update campaign set status = ?, paused_reason = null, paused_at = null, settled_at = ?, report_dirty = true "
                    + "where id = ?", CampaignStatus.CANCELLED.name(), Timestamp.from(clock.instant()), id);
            return Optional.of(cancelQueued(id));
        });
    }

    /** Campaigns cancelled since {@code since}: messages of theirs that were on their way then may have come back since. */
    public List<Long> cancelledSince(Instant since) {
        return jdbc.queryForList("select id from campaign where status = ? and settled_at >= ? order by id", Long.class,
                CampaignStatus.CANCELLED.name(), Timestamp.from(since));
    }

    /**
     * Cancels the QUEUED messages of a CANCELLED campaign: ones whose request was out as it was cancelled and came back to
     * be tried again (nothing of a cancelled campaign is sent, but its status file must not say they wait). How many.
     */
    public int cancelLeftovers(long id) {
        Integer n = tx.execute(t -> {
            List<String> status = jdbc.queryForList("select status from campaign where id = ? for update", String.class, id);
            return status.equals(List.of(CampaignStatus.CANCELLED.name())) ? cancelQueued(id) : 0;
        });
        if (n != null && n > 0) {
            markDirty(id);
        }
        return n == null ? 0 : n;
    }

    private int cancelQueued(long id) {
        return jdbc.update("update message set status = 'CANCELLED', reason = ?, error_code = null, next_attempt_at = null, "
                + "updated_at = ? where id >= ? and id < ? and status = 'QUEUED'", CANCELLED_REASON, Timestamp.from(clock.instant()),
                MessageLedger.first(id), MessageLedger.first(id + 1));
    }

    /** Campaigns newest first, {@code limit} of them after skipping {@code offset}. */
    public List<Campaign> page(int offset, int limit) {
        return jdbc.query("select " + COLUMNS + " from campaign order by id desc limit ? offset ?", this::map, limit, offset);
    }

    /** How many campaigns the ledger holds, rejected ones included. */
    public long count() {
        Long n = jdbc.queryForObject("select count(*) from campaign", Long.class);
        return n == null ? 0 : n;
    }

    /** The campaign's messages wait until {@code sendAt} (its send-at), each showing {@code reason}; the campaign keeps the time. */
    private void holdUntil(long id, Instant sendAt, String reason) {
        Timestamp at = Timestamp.from(sendAt);
        jdbc.update("update campaign set send_at = ? where id = ?", at, id);
        jdbc.update("update message set next_attempt_at = ?, reason = ?, updated_at = ? where id >= ? and id < ? and status = 'QUEUED'",
                at, truncate(reason), Timestamp.from(clock.instant()), MessageLedger.first(id), MessageLedger.first(id + 1));
    }

    /** When the campaign's messages start going out, when it was uploaded with a send-at. */
    public Optional<Instant> sendAt(long id) {
        return jdbc.queryForList("select send_at from campaign where id = ?", Timestamp.class, id).stream()
                .filter(java.util.Objects::nonNull).map(Timestamp::toInstant).findFirst();
    }

    /** Why the campaign is paused, when it is. */
    public Optional<String> pausedReason(long id) {
        return jdbc.queryForList("select paused_reason from campaign where id = ? and status = ?", String.class, id,
                CampaignStatus.PAUSED.name()).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** Paused campaigns and why, oldest first. */
    public Map<Long, String> paused() {
        Map<Long, String> paused = new java.util.LinkedHashMap<>();
        jdbc.query("select id, paused_reason from campaign where status = ? order by id",
                rs -> { paused.put(rs.getLong(1), rs.getString(2)); }, CampaignStatus.PAUSED.name());
        return paused;
    }

    /**
     * Puts the campaign's UNCERTAIN messages back in the queue, because someone asked (they may
     * have arrived: Meta has no idempotency key, so this can message a number twice). A settled
     * campaign becomes ACTIVE again. Returns how many messages were queued again.
     */
    public int requeueUncertain(long id) {
        Integer requeued = tx.execute(t -> {
            List<String> status = jdbc.queryForList("select status from campaign where id = ? for update", String.class, id);
            if (status.isEmpty() || !List.of("ACTIVE", "PAUSED", "DONE").contains(status.get(0))) {
                return 0; // a cancelled or rejected campaign sends nothing more
            }
            Timestamp now = Timestamp.from(clock.instant());
            int n = jdbc.update("update message set status = 'QUEUED', reason = null, error_code = null, next_attempt_at = null, "
                    + "updated_at = ? where id >= ? and id < ? and status = 'UNCERTAIN'", now, MessageLedger.first(id), MessageLedger.first(id + 1));
            if (n > 0) {
                jdbc.update("update campaign set status = ?, settled_at = null, report_dirty = true where id = ?",
                        "DONE".equals(status.get(0)) ? CampaignStatus.ACTIVE.name() : status.get(0), id);
            }
            return n;
        });
        return requeued == null ? 0 : requeued;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }

    /**
     * Marks the campaign DONE when no message is waiting or on its way, and it takes no more rows (a rolling campaign
     * stays open until the end of its day); true when it just settled.
     */
    public boolean settleIfFinished(long id) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.update("update campaign set status = ?, settled_at = ?, report_dirty = true where id = ? and status = ? "
                        + "and (open_until is null or open_until <= ?) "
                        + "and not exists (select 1 from message m where m.id >= ? and m.id < ? and m.status in ('QUEUED', 'SENDING'))",
                CampaignStatus.DONE.name(), now, id, CampaignStatus.ACTIVE.name(), now,
                MessageLedger.first(id), MessageLedger.first(id + 1)) > 0;
    }

    public void markDirty(long id) {
        jdbc.update("update campaign set report_dirty = true where id = ? and report_dirty = false", id);
    }

    /** Campaigns whose report is out of date. */
    public List<Long> dirtyReports() {
        return jdbc.queryForList("select id from campaign where report_dirty = true and status in ('ACTIVE', 'PAUSED', 'DONE', 'CANCELLED', 'DRY_RUN') "
                + "order by id", Long.class);
    }

    /** Takes the job of rewriting a report, so one writer does it; false when someone else took it. */
    public boolean claimReport(long id) {
        return jdbc.update("update campaign set report_dirty = false where id = ? and report_dirty = true", id) > 0;
    }

    public Map<MessageStatus, Integer> counts(long id) {
        Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
        jdbc.query("select status, count(*) from message where id >= ? and id < ? group by status",
                rs -> { counts.put(MessageStatus.valueOf(rs.getString(1)), rs.getInt(2)); }, MessageLedger.first(id), MessageLedger.first(id + 1));
        return counts;
    }

    private Campaign map(ResultSet rs, int row) throws SQLException {
        return new Campaign(rs.getLong("id"), rs.getString("name"), rs.getString("template"), rs.getString("source"),
                rs.getString("source_file"), rs.getString("file_sha256"), fromJson(rs.getString("input_header")),
                CampaignStatus.valueOf(rs.getString("status")), rs.getInt("total_rows"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("read_at")), instant(rs.getTimestamp("settled_at")),
                instant(rs.getTimestamp("archived_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private String toJson(List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> fromJson(String text) {
        try {
            return json.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable input header in the ledger: " + text, e);
        }
    }
}
