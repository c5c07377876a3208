package io.arauto.intake.crm;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import io.arauto.audit.AuditEvent;
import io.arauto.audit.AuditLog;
import io.arauto.ledger.CrmRequestLedger;
import io.arauto.support.PhoneMask;
import io.arauto.verdict.MessageStatus;

/**
 * The CRM trigger table's rows on their way in, as the route crm-requests tells it: each row is judged
 * and recorded in the ledger as the next message of its rolling campaign (a row recorded before is
 * left as it was), then marked taken in the CRM. Statuses go back to the table in rounds.
 */
@Component
public class CrmRequests {

    private static final Logger log = LoggerFactory.getLogger(CrmRequests.class);
    /** Statuses of requests older than this are no longer written back (a message's story is over within days). */
    static final Duration WRITE_BACK_FOR = Duration.ofDays(3);
    private static final int WRITE_BACK_BATCH = 500;

    private final CrmRequestTable table;
    private final RequestVerdicts verdicts;
    private final CrmRequestLedger ledger;
    private final AuditLog audit;
    private final Clock clock;

    public CrmRequests(CrmRequestTable table, RequestVerdicts verdicts, CrmRequestLedger ledger, AuditLog audit, Clock clock) {
        this.table = table;
        this.verdicts = verdicts;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records the request row (the sql consumer's column map) in the ledger, unless it is there already: read
     * again after a crash or an outage came between its recording and its taken mark, or recorded by another
     * taker a moment ago. Returns the row's id, for {@link CrmRequestTable#markTaken}.
     */
    public Object record(Map<String, Object> request) {
        Object id = request.get("id");
        String requestId = RequestVerdicts.text(id);
        if (ledger.find(table.name(), requestId).isPresent()) {
            return id;
        }
        RequestVerdicts.Judged judged = verdicts.judge(table.name(), request);
        CrmRequestLedger.Recorded recorded;
        try {
            recorded = ledger.record(table.name(), requestId, judged.campaign(), judged.row());
        } catch (DuplicateKeyException raced) {
            // another taker recorded this row, or opened this campaign, at the same moment: its commit stands, this one is
            // undone; the row is read again on the next round (and then found) unless that taker marks it taken first
            log.info("CRM request {} of {}: recorded by another taker at the same moment; read again on the next round", requestId,
                    table.name());
            return null;
        }
        if (recorded.campaignCreated()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("source", RequestVerdicts.SOURCE);
            details.put("table", table.name());
            details.put("name", judged.campaign().name());
            details.put("template", judged.campaign().template());
            audit.record(AuditEvent.CAMPAIGN_CREATED, recorded.campaignId(), details);
            log.info("Rolling campaign {} ({}) opened for the CRM trigger table {}: it takes new rows until the end of its day",
                    recorded.campaignId(), judged.campaign().name(), table.name());
        }
        if (recorded.status() == MessageStatus.QUEUED) {
            log.debug("CRM request {} of {}: campaign {} row {}, queued for {}", requestId, table.name(), recorded.campaignId(),
                    recorded.row(), PhoneMask.mask(judged.row().e164()));
        } else {
            log.info("CRM request {} of {}: campaign {} row {}, {}: {}", requestId, table.name(), recorded.campaignId(), recorded.row(),
                    recorded.status(), PhoneMask.maskAll(judged.row().reason()));
        }
        return id;
    }

    /** Marks the row taken in the CRM; a row another taker marked first is left to it (the ledger holds it once). */
    public void markTaken(Object id) {
        if (id == null) {
            return;
        }
        if (table.markTaken(id) == 0) {
            log.info("CRM request {} of {} had been marked taken by another taker; its message is in the ledger once", id, table.name());
        }
    }

    /** One round of write-back: the statuses that changed since they were last written go to the CRM rows. */
    public void writeBack() {
        List<CrmRequestLedger.Report> reports;
        do {
            reports = ledger.changedSince(table.name(), clock.instant().minus(WRITE_BACK_FOR), WRITE_BACK_BATCH);
            table.writeBack(reports);
            ledger.reported(table.name(), reports);
        } while (reports.size() == WRITE_BACK_BATCH);
    }
}
