package io.arauto.verdict;

import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/** Turns a phone as people write it into E.164 with libphonenumber, or says why it can't. */
@Component
public class PhoneNormalizer {

    /** A number a spreadsheet turned into scientific notation has lost digits for good. */
    private static final Pattern SCIENTIFIC = Pattern.compile("(?i)^\\s*[+-]?\\d+([.,]\\d+)?e[+-]?\\d+\\s*$");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String region;

    public PhoneNormalizer(ArautoProperties properties) {
        this.region = properties.getDefaultRegion();
    }

    /** The outcome of checking one phone: {@code e164} when valid, otherwise {@code problem} in plain words. */
    public record Result(String e164, String problem) {
        public boolean valid() {
            return e164 != null;
        }
    }

    public Result normalize(String raw) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return new Result(null, "The phone is empty.");
        }
        if (SCIENTIFIC.matcher(text).matches()) {
            return new Result(null, "The phone '" + text + "' is in scientific notation and lost its digits; format the column as text and export again.");
        }
        try {
            PhoneNumber number = util.parse(text, region);
            if (!util.isValidNumber(number)) {
                return new Result(null, "The phone '" + text + "' is not a valid number for region " + region + ".");
            }
            return new Result(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), null);
        } catch (NumberParseException e) {
            return new Result(null, "The phone '" + text + "' is not a phone number.");
        }
    }

    /** E.164 for matching (opt-out lists): no validity check, null when it does not parse at all. */
    public String canonical(String raw) {
        if (raw == null || raw.isBlank() || SCIENTIFIC.matcher(raw).matches()) {
            return null;
        }
        try {
            return util.format(util.parse(raw.strip(), region), PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** E.164 as a number, for compact sets of a million entries. */
    public static long toKey(String e164) {
        return Long.parseLong(e164, 1, e164.length(), 10);
    }
}
