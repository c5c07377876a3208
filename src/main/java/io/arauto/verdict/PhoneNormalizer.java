package io.arauto.verdict;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * Turns a phone as people write it into E.164 with libphonenumber, or says why it can't. Brazilian
 * numbers written plainly skip libphonenumber's text parser (the slow part), never its validity check.
 */
@Component
public class PhoneNormalizer {

    /** A number a spreadsheet turned into scientific notation has lost digits for good. */
    private static final Pattern SCIENTIFIC = Pattern.compile("(?i)^\\s*[+-]?\\d+([.,]\\d+)?e[+-]?\\d+\\s*$");

    private static final int BRAZIL = 55;

    /** Numbers a company pays for or charges for (0800, 0300, 0900 in Brazil): no person's WhatsApp is on them. */
    private static final Set<PhoneNumberType> NO_WHATSAPP = EnumSet.of(PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
            PhoneNumberType.SHARED_COST);
    private static final Map<PhoneNumberType, String> KIND = Map.of(PhoneNumberType.TOLL_FREE, "toll-free",
            PhoneNumberType.PREMIUM_RATE, "premium-rate", PhoneNumberType.SHARED_COST, "shared-cost");

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
        String text = withoutFloatZero(raw == null ? "" : raw.strip());
        if (text.isEmpty()) {
            return new Result(null, "The phone is empty.");
        }
        String plain = plainBrazilian(text);
        if (plain != null) {
            return new Result(plain, null);
        }
        if (SCIENTIFIC.matcher(text).matches()) {
            return new Result(null, "The phone '" + text + "' is in scientific notation and lost its digits; format the column as text and export again.");
        }
        try {
            PhoneNumber number = util.parse(text, region);
            PhoneNumberType type = util.getNumberType(number);
            if (type == PhoneNumberType.UNKNOWN) {
                return new Result(null, "The phone '" + text + "' is not a valid number for region " + region + ".");
            }
            if (NO_WHATSAPP.contains(type)) {
                return new Result(null, "The phone '" + text + "' is a " + KIND.get(type) + " number, which cannot hold WhatsApp.");
            }
            return new Result(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), null);
        } catch (NumberParseException e) {
            return new Result(null, "The phone '" + text + "' is not a phone number.");
        }
    }

    /** E.164 for matching (opt-out lists): no validity check, null when it does not parse at all. */
    public String canonical(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = withoutFloatZero(raw.strip());
        String plain = plainBrazilian(text);
        if (plain != null) {
            return plain;
        }
        if (SCIENTIFIC.matcher(text).matches()) {
            return null;
        }
        try {
            return util.format(util.parse(text, region), PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * E.164 of a valid Brazilian number written the plain ways people do, or null to leave it to
     * libphonenumber's parser. The text may hold only digits, spaces, ( ) - and one leading +; the
     * national number N (area code first, 10 or 11 digits, not starting with 0 or 90, so BR's national
     * prefix rule cannot apply) is read from "+55 N", "55 N" (12 or 13 digits: too long to be national),
     * "0 N" (trunk prefix) or "N". For these, libphonenumber's parser finds the same N (proved in
     * PhoneNormalizerTest against the parser on generated numbers), and validity is still its call.
     */
    private String plainBrazilian(String text) {
        if (!"BR".equals(region) || text.length() > 40) {
            return null;
        }
        StringBuilder digits = new StringBuilder(14);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (!(c == ' ' || c == '(' || c == ')' || c == '-' || (c == '+' && i == 0))) {
                return null;
            }
        }
        boolean plus = text.charAt(0) == '+';
        int length = digits.length();
        int start;
        if (plus || length >= 12 && digits.charAt(0) == '5' && digits.charAt(1) == '5') {
            start = length >= 2 && digits.charAt(0) == '5' && digits.charAt(1) == '5' ? 2 : -1;
        } else {
            start = length > 0 && digits.charAt(0) == '0' ? 1 : 0;
        }
        int national = length - start;
        if (start < 0 || national < 10 || national > 11 || digits.charAt(start) == '0'
                || digits.charAt(start) == '9' && digits.charAt(start + 1) == '0') {
            return null;
        }
        String number = digits.substring(start);
        PhoneNumber parsed = new PhoneNumber().setCountryCode(BRAZIL).setNationalNumber(Long.parseLong(number));
        PhoneNumberType type = util.getNumberType(parsed); // what isValidNumber asks too, so no dearer
        return type != PhoneNumberType.UNKNOWN && !NO_WHATSAPP.contains(type) ? "+" + BRAZIL + number : null;
    }

    /**
     * "11987652077.0" as "11987652077": pandas and R write a column of whole numbers with gaps as
     * floats, and the ".0" loses nothing. Only digits (and one leading +) before it.
     */
    static String withoutFloatZero(String text) {
        if (!text.endsWith(".0") || text.length() < 3) {
            return text;
        }
        for (int i = text.charAt(0) == '+' ? 1 : 0; i < text.length() - 2; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return text;
            }
        }
        return text.substring(0, text.length() - 2);
    }

    /** E.164 as a number, for compact sets of a million entries. */
    public static long toKey(String e164) {
        return Long.parseLong(e164, 1, e164.length(), 10);
    }
}
