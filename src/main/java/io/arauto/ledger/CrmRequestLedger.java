package io.arauto.ledger;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;

/**
 * The CRM trigger table's rows in the ledger: each row, by its table and id, is one message of a
 * rolling campaign (one per day and template, open for new rows until the end of its day). A row
 * recorded once is never recorded again, so reading it twice never makes two messages.
 */
@Component
public class CrmRequestLedger {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final CampaignLedger campaigns;
    private final MessageLedger messages;
    private final Clock clock;

    public CrmRequestLedger(JdbcTemplate jdbc, TransactionTemplate tx, CampaignLedger campaigns, MessageLedger messages, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.campaigns = campaigns;
        this.messages = messages;
        this.clock = clock;
    }

    /**
     * The rolling campaign a row goes into: created with this header the first time its name is asked for with it. A
     * template edited during the day (other variables) gets a campaign of the same name with the new header, so a row's
     * cells always line up with its campaign's header.
     */
    public record Rolling(String name, String template, String source, String sourceFile, List<String> header, Instant openUntil) {
        /** The name and the header together: {@code String.hashCode} is the same in every JVM. */
        String key() {
            return name + "/" + Integer.toHexString(String.join("\u0000", header).hashCode());
        }
    }

    /**
     * Where a request row went: its campaign and row there, its status as recorded, and whether this call
     * recorded it ({@code fresh}) or found it recorded before (then nothing was written), or created the campaign.
     */
    public record Recorded(long campaignId, int row, MessageStatus status, boolean fresh, boolean campaignCreated) { }

    /** Where the request went, if it is in the ledger already. */
    public Optional<Recorded> find(String table, String requestId) {
        return jdbc.query("select m.id, m.status from crm_request r join message m on m.id = r.message_id "
                        + "where r.request_table = ? and r.request_id = ?",
                (rs, i) -> new Recorded(rs.getLong(1) >>> 32, (int) rs.getLong(1), MessageStatus.valueOf(rs.getString(2)), false, false),
                table, requestId).stream().findFirst();
    }

    /**
     * Records the request as the next row of its rolling campaign, in one commit with the campaign (when it is
     * the first of its name) and the request's key; a request recorded before is left as it was. A campaign that
     * settled after its day is opened again for a late queued row; one that was cancelled takes the row CANCELLED.
     * Two takers racing on one request or one campaign name: the second's commit fails on the key and is undone.
     */
    public Recorded record(String table, String requestId, Rolling campaign, JudgedRow judged) {
        return tx.execute(t -> {
            Optional<Recorded> before = find(table, requestId);
            if (before.isPresent()) {
                return before.get();
            }
            List<Long> ids = jdbc.queryForList("select campaign_id from rolling_campaign where name = ?", Long.class, campaign.key());
            boolean created = ids.isEmpty();
            long id;
            if (created) {
                id = campaigns.createOpen(campaign.name(), campaign.template(), campaign.source(), campaign.sourceFile(),
                        campaign.header(), campaign.openUntil());
                jdbc.update("insert into rolling_campaign (name, campaign_id) values (?, ?)", campaign.key(), id);
            } else {
                id = ids.get(0);
            }
            // the campaign's rows are numbered one at a time
            String status = jdbc.queryForObject("select status from campaign where id = ? for update", String.class, id);
            int row = jdbc.queryForObject("select coalesce(max(row_num), 0) + 1 from message where id >= ? and id < ?", Integer.class,
                    MessageLedger.first(id), MessageLedger.first(id + 1));
            JudgedRow recorded = CampaignStatus.CANCELLED.name().equals(status) && judged.status() == MessageStatus.QUEUED
                    ? new JudgedRow(row, judged.phone(), judged.e164(), MessageStatus.CANCELLED,
                            "Campaign " + campaign.name() + " was cancelled; rows that come in for it are not sent.", judged.cells())
                    : new JudgedRow(row, judged.phone(), judged.e164(), judged.status(), judged.reason(), judged.cells());
            messages.append(id, recorded);
            Timestamp now = Timestamp.from(clock.instant());
            jdbc.update("insert into crm_request (request_table, request_id, message_id, created_at) values (?, ?, ?, ?)",
                    table, requestId, MessageLedger.key(id, row), now);
            jdbc.update("update campaign set total_rows = total_rows + 1, report_dirty = true where id = ?", id);
            if (recorded.status() == MessageStatus.QUEUED) {
                jdbc.update("update campaign set status = ?, settled_at = null where id = ? and status = ?",
                        CampaignStatus.ACTIVE.name(), id, CampaignStatus.DONE.name());
            }
            return new Recorded(id, row, recorded.status(), true, created);
        });
    }

    /** A request's message as it stands, to write back to the CRM row. */
    public record Report(String requestId, String status, String reason, String messageId, Timestamp updatedAt) { }

    /**
     * Up to {@code limit} requests of {@code table} recorded since {@code since} whose message changed since it was
     * last written back (or was never written back), oldest first.
     */
    public List<Report> changedSince(String table, Instant since, int limit) {
        return jdbc.query("select r.request_id, m.status, m.reason, m.wamid, m.updated_at from crm_request r "
                        + "join message m on m.id = r.message_id where r.request_table = ? and r.created_at >= ? "
                        + "and (r.reported_at is null or r.reported_at <> m.updated_at) order by r.created_at, r.request_id "
                        + "fetch first " + limit + " rows only",
                (rs, i) -> new Report(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5)),
                table, Timestamp.from(since));
    }

    /** These reports are in the CRM now: each is written again only once its message changes again. */
    public void reported(String table, List<Report> reports) {
        if (reports.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(t -> jdbc.batchUpdate("update crm_request set reported_at = ? where request_table = ? and request_id = ?",
                reports, reports.size(), (ps, report) -> {
                    ps.setTimestamp(1, report.updatedAt());
                    ps.setString(2, table);
                    ps.setString(3, report.requestId());
                }));
    }
}
