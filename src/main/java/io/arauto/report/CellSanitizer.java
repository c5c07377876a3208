package io.arauto.report;

import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Makes a CSV cell inert for spreadsheet programs (OWASP CSV injection): a value whose first
 * character could start a formula gets a leading single quote.
 */
@Component
public class CellSanitizer {

    // OWASP's list (=, +, -, @, tab, CR) plus NUL, which ASVS 5.0 (1.2.10) adds.
    private static final String FORMULA_STARTS = "=+-@\t\r\0";

    // Only a bare signed number stays as is; "+55 11 98765-4321" is escaped, as Excel would compute it.
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?\\d+([.,]\\d+)?");

    /** The value, inert; {@code null} becomes the empty string. */
    public String sanitize(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (FORMULA_STARTS.indexOf(value.charAt(0)) < 0 || PLAIN_NUMBER.matcher(value).matches()) {
            return value;
        }
        return "'" + value;
    }
}
