package io.arauto.report;

import org.springframework.stereotype.Component;

/**
 * Makes a CSV cell inert for spreadsheet programs (OWASP CSV injection): a value whose first
 * character could start a formula gets a leading single quote.
 */
@Component
public class CellSanitizer {

    // OWASP's list (=, +, -, @, tab, CR) plus NUL, which ASVS 5.0 (1.2.10) adds.
    private static final String FORMULA_STARTS = "=+-@\t\r\0";


    /** The value, inert; {@code null} becomes the empty string. */
    public String sanitize(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (FORMULA_STARTS.indexOf(value.charAt(0)) < 0 || plainNumber(value)) {
            return value;
        }
        return "'" + value;
    }

    /**
     * Only a bare signed number stays as is, {@code [+-]?[0-9]+([.,][0-9]+)?}; "+55 11 98765-4321" is escaped, as Excel
     * would compute it. (A loop rather than a regular expression: every phone in E.164 comes here, a million per report.)
     */
    private static boolean plainNumber(String value) {
        int i = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
        int digits = digits(value, i);
        if (digits == 0) {
            return false;
        }
        i += digits;
        if (i == value.length()) {
            return true;
        }
        char separator = value.charAt(i);
        if (separator != '.' && separator != ',') {
            return false;
        }
        int decimals = digits(value, i + 1);
        return decimals > 0 && i + 1 + decimals == value.length();
    }

    /** How many ASCII digits follow from {@code from} on. */
    private static int digits(String value, int from) {
        int i = from;
        while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }
}
