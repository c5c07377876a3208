package io.arauto.template;

import java.util.Locale;
import java.util.Set;

/**
 * Values that must never reach a customer, whatever the template: invisible control characters,
 * text the file's encoding could not give (read as U+FFFD), and spreadsheet error values such as
 * {@code #N/A}, which a formula leaves where its result should be.
 */
final class CellValues {

    /** Excel's error values, in English (as .xlsx files store them) and as a Portuguese Excel or LibreOffice shows them. */
    private static final Set<String> ERRORS = Set.of("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!",
            "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
            "#N/D", "#VALOR!", "#NOME?", "#NULO!", "#NÚM!", "#DESPEJAR!");
    private static final char UNREADABLE = '\uFFFD';

    private CellValues() {
    }

    private static boolean isErrorValue(String upper) {
        return ERRORS.contains(upper) || upper.startsWith("ERR:") && upper.length() <= 8; // LibreOffice writes Err:502
    }

    /** Why this value cannot be sent, worded to follow "Column 'x' ", or null. Line breaks and tabs are left to Meta's rules. */
    static String problem(String value) {
        String stripped = value.strip();
        if (!stripped.isEmpty() && (stripped.charAt(0) == '#' || stripped.regionMatches(true, 0, "Err:", 0, 4))
                && isErrorValue(stripped.toUpperCase(Locale.ROOT))) {
            return "holds the spreadsheet error " + value.strip() + " instead of a value; fix the formula or the data it uses, "
                    + "and export the file again.";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == UNREADABLE) {
                return "has text that could not be read (shown as \uFFFD): the file's bytes there are not valid in its text "
                        + "encoding. Retype it, save the file as CSV UTF-8 and drop it again.";
            }
            if (Character.getType(c) == Character.CONTROL && c != '\n' && c != '\r' && c != '\t') {
                return "holds an invisible control character (code " + (int) c + "), which must never reach a customer; "
                        + "remove it and export the file again.";
            }
        }
        return null;
    }
}
