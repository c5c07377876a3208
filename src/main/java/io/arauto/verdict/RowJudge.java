package io.arauto.verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.arauto.read.Row;
import io.arauto.template.TemplateBinding;

/**
 * Gives each row its verdict, in SPEC order: INVALID, DUPLICATE, OPTED_OUT, else QUEUED. Rows
 * must come in file order, since the first row with a number is the one that is sent.
 */
@Component
public class RowJudge {

    private static final Logger log = LoggerFactory.getLogger(RowJudge.class);
    private static final long PROGRESS_EVERY = TimeUnit.SECONDS.toNanos(5);
    /** The ledger keeps a row's cells in 65,535 characters (as JSON); a row longer than this is refused. */
    public static final int MAX_ROW = 60_000;

    private final PhoneNormalizer phones;

    public RowJudge(PhoneNormalizer phones) {
        this.phones = phones;
    }

    public List<JudgedRow> judge(FileVerdicts file, List<Row> rows) {
        List<JudgedRow> judged = new ArrayList<>(rows.size());
        for (Row row : rows) {
            JudgedRow verdict = judge(file, row);
            file.count(verdict.status());
            judged.add(verdict);
        }
        if (file.progressDue(PROGRESS_EVERY)) {
            log.info("{} (campaign {}): {} rows judged so far, {} rows/s", file.fileName(), file.campaignId(),
                    file.rowsJudged(), file.rowsJudged() * 1000L / Math.max(1, file.elapsedMillis()));
        }
        return judged;
    }

    private JudgedRow judge(FileVerdicts file, Row row) {
        int length = storedLength(row.cells());
        if (length > MAX_ROW) { // kept short in the ledger and the report; nothing this long is a real notification row
            return new JudgedRow(row.number(), row.phone(), null, MessageStatus.INVALID, "The row is " + length
                    + " characters long as stored; Arauto takes rows of up to " + MAX_ROW + ".", shortened(row.cells()));
        }
        String phoneUnread = row.unreadable(0);
        if (phoneUnread != null) {
            return verdict(row, null, MessageStatus.INVALID, "The phone column " + phoneUnread);
        }
        PhoneNormalizer.Result phone = phones.normalize(row.phone());
        if (!phone.valid()) {
            return verdict(row, null, MessageStatus.INVALID, phone.problem());
        }
        String problem = unreadVariable(file.binding(), row);
        if (problem == null) {
            problem = file.binding().problem(row.cells());
        }
        if (problem != null) {
            return verdict(row, phone.e164(), MessageStatus.INVALID, problem);
        }
        long key = PhoneNormalizer.toKey(phone.e164());
        int first = file.firstRowOf(key, row.number());
        if (first != 0) {
            return verdict(row, phone.e164(), MessageStatus.DUPLICATE, "The same number is on row " + first + ".");
        }
        String list = file.optOuts().sourceOf(key);
        if (list != null) {
            return verdict(row, phone.e164(), MessageStatus.OPTED_OUT, "The number opted out (" + list + " opt-out list).");
        }
        // a dry run shows what would go out: the template's text with the row's variables
        return verdict(row, phone.e164(), MessageStatus.QUEUED,
                file.dryRun() ? "Would send: \"" + file.binding().render(row.cells()) + "\"" : null);
    }

    /** A cell the template needs whose value the file does not hold (a formula never calculated), named; or null. */
    private static String unreadVariable(TemplateBinding binding, Row row) {
        if (row.unreadable().isEmpty()) {
            return null;
        }
        for (TemplateBinding.Column column : binding.columns()) {
            String why = row.unreadable(column.index());
            if (why != null) {
                return "Column '" + column.column() + "' " + why;
            }
        }
        return null;
    }

    /**
     * How long the cells are once stored in the ledger as a JSON array, or longer: each cell is
     * quoted and separated, {@code "} and {@code \} take two characters, control characters up to six.
     */
    public static int storedLength(List<String> cells) {
        int length = 2;
        for (String cell : cells) {
            length += 3 + storedLength(cell);
        }
        return length;
    }

    private static int storedLength(String cell) {
        int length = 0;
        for (int i = 0; i < cell.length(); i++) {
            length += storedLength(cell.charAt(i));
        }
        return length;
    }

    private static int storedLength(char c) {
        return c == '"' || c == '\\' ? 2 : c < 0x20 ? 6 : 1;
    }

    /** The cells cut so that the row fits in the ledger, each to an equal share (never between the halves of a character). */
    static List<String> shortened(List<String> cells) {
        int each = MAX_ROW / Math.max(1, cells.size()) - 3;
        return cells.stream().map(cell -> {
            int end = 0;
            for (int used = 0; end < cell.length() && used + storedLength(cell.charAt(end)) <= each; end++) {
                used += storedLength(cell.charAt(end));
            }
            if (end < cell.length() && end > 0 && Character.isHighSurrogate(cell.charAt(end - 1))) {
                end--;
            }
            return end == cell.length() ? cell : cell.substring(0, end);
        }).toList();
    }

    private static JudgedRow verdict(Row row, String e164, MessageStatus status, String reason) {
        return new JudgedRow(row.number(), row.phone(), e164, status, reason, row.cells());
    }
}
