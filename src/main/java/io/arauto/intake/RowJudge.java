package io.arauto.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.read.Row;
import io.arauto.verdict.JudgedRow;
import io.arauto.verdict.MessageStatus;
import io.arauto.verdict.PhoneNormalizer;

/**
 * Gives each row its verdict, in SPEC order: INVALID, DUPLICATE, OPTED_OUT, else QUEUED. Rows
 * must come in file order, since the first row with a number is the one that is sent.
 */
@Component
public class RowJudge {

    private static final Logger log = LoggerFactory.getLogger(RowJudge.class);
    private static final long PROGRESS_EVERY = TimeUnit.SECONDS.toNanos(5);
    /** The ledger keeps a row's cells in 65,535 characters (as JSON); a row longer than this is refused. */
    static final int MAX_ROW = 60_000;

    private final PhoneNormalizer phones;

    public RowJudge(PhoneNormalizer phones) {
        this.phones = phones;
    }

    public List<JudgedRow> judge(Intake intake, List<Row> rows) {
        List<JudgedRow> judged = new ArrayList<>(rows.size());
        for (Row row : rows) {
            JudgedRow verdict = judge(intake, row);
            intake.count(verdict.status());
            judged.add(verdict);
        }
        if (intake.progressDue(PROGRESS_EVERY)) {
            log.info("{} (campaign {}): {} rows judged so far, {} rows/s", intake.fileName(), intake.campaignId(),
                    intake.rowsJudged(), intake.rowsJudged() * 1000L / Math.max(1, intake.elapsedMillis()));
        }
        return judged;
    }

    private JudgedRow judge(Intake intake, Row row) {
        int length = 0;
        for (String cell : row.cells()) {
            length += cell.length();
        }
        if (length > MAX_ROW) { // kept short in the ledger and the report; nothing this long is a real notification row
            return new JudgedRow(row.number(), row.phone(), null, MessageStatus.INVALID, "The row is " + length
                    + " characters long; Arauto takes rows of up to " + MAX_ROW + ".", shortened(row.cells()));
        }
        PhoneNormalizer.Result phone = phones.normalize(row.phone());
        if (!phone.valid()) {
            return verdict(row, null, MessageStatus.INVALID, phone.problem());
        }
        String problem = intake.binding().problem(row.cells());
        if (problem != null) {
            return verdict(row, phone.e164(), MessageStatus.INVALID, problem);
        }
        long key = PhoneNormalizer.toKey(phone.e164());
        int first = intake.firstRowOf(key, row.number());
        if (first != 0) {
            return verdict(row, phone.e164(), MessageStatus.DUPLICATE, "The same number is on row " + first + ".");
        }
        String list = intake.optOuts().sourceOf(key);
        if (list != null) {
            return verdict(row, phone.e164(), MessageStatus.OPTED_OUT, "The number opted out (" + list + " opt-out list).");
        }
        return verdict(row, phone.e164(), MessageStatus.QUEUED, null);
    }

    private static java.util.List<String> shortened(List<String> cells) {
        int each = MAX_ROW / Math.max(1, cells.size());
        return cells.stream().map(c -> c.length() <= each ? c : c.substring(0, each)).toList();
    }

    private static JudgedRow verdict(Row row, String e164, MessageStatus status, String reason) {
        return new JudgedRow(row.number(), row.phone(), e164, status, reason, row.cells());
    }
}
