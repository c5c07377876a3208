package io.arauto.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.arauto.template.TemplateBinding;
import io.arauto.verdict.RowJudge;

/**
 * A header Arauto cannot trust is refused before any row is judged: two columns the template
 * reads from under the same name (which one was meant?), or a header wider than any campaign file
 * and than the ledger keeps.
 */
final class HeaderCheck {

    /** Far beyond any campaign file; a header this wide is a sheet filled out to its last column. */
    static final int MAX_COLUMNS = 1_000;

    private HeaderCheck() {
    }

    /** Why the header cannot be used, in plain words, or null. */
    static String problem(List<String> header, TemplateBinding binding) {
        if (header.size() > MAX_COLUMNS) {
            return "The header has " + header.size() + " columns; Arauto takes files of up to " + MAX_COLUMNS + " columns. "
                    + "Delete the empty columns at the right of the sheet (or copy only the columns you need to a new file) and "
                    + "drop it again.";
        }
        if (RowJudge.storedLength(header) > RowJudge.MAX_ROW) {
            return "The header's column names are " + RowJudge.storedLength(header) + " characters long together; Arauto takes up "
                    + "to " + RowJudge.MAX_ROW + ". Shorten them and drop the file again.";
        }
        for (TemplateBinding.Column column : binding.columns()) {
            List<Integer> same = new ArrayList<>();
            String key = key(column.column());
            for (int i = 1; i < header.size(); i++) { // column 1 is always the phone, whatever its name
                if (key(header.get(i)).equals(key)) {
                    same.add(i + 1);
                }
            }
            if (same.size() > 1) {
                return "Columns " + joined(same) + " have the same name, '" + column.column() + "', which the template reads "
                        + "from; Arauto cannot tell which one is meant. Rename or delete the others and drop the file again.";
            }
        }
        return null;
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    private static String joined(List<Integer> columns) {
        List<String> names = columns.stream().map(String::valueOf).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
