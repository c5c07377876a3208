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
        if (scientific(text)) {
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

    /** Whether {@code text} is a number in scientific notation; a phone without an 'e' is never, and costs no matcher. */
    private static boolean scientific(String text) {
        return (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) && SCIENTIFIC.matcher(text).matches();
    }

    /** E.164 for matching (opt-out lists): no validity check, null when it does not parse at all. */
    public String canonical(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        long plain = plainKey(raw);
        if (plain != 0) {
            return "+" + plain;
        }
        String text = withoutFloatZero(raw.strip());
        if (scientific(text)) {
            return null;
        }
        try {
            return util.format(util.parse(text, region), PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * The key ({@link #toKey}) of {@link #canonical}'s answer, 0 when it has none: the CRM's opt-out list, a million numbers
     * at a time. A Brazilian number written plainly is read straight from its digits, with no validity check (matching
     * needs none) and no text built; every other phone takes {@link #canonical}'s way. The answers are the same (proved
     * in PhoneNormalizerTest against libphonenumber's parser on generated numbers).
     */
    public long canonicalKey(String raw) {
        long plain = plainKey(raw);
        if (plain != 0) {
            return plain;
        }
        String e164 = canonical(raw);
        return e164 == null ? 0 : toKey(e164);
    }

    /** {@link #canonicalKey}'s fast way: the key of a plainly written Brazilian number, 0 for any other phone. */
    long plainKey(String raw) {
        if (raw == null) {
            return 0;
        }
        int from = 0;
        int to = raw.length();
        while (from < to && Character.isWhitespace(raw.charAt(from))) { // what canonical's strip() leaves
            from++;
        }
        while (to > from && Character.isWhitespace(raw.charAt(to - 1))) {
            to--;
        }
        Plain plain = plainShape(raw, from, to);
        // a bare national number starting with 55 may be read by the parser as country code 55 and a shorter number
        if (plain == null || plain.mayStartWithCountryCode()) {
            return 0;
        }
        return BRAZIL * POWERS_OF_TEN[plain.length()] + plain.national();
    }

    /**
     * E.164 of a valid Brazilian number written the plain ways people do ({@link #plainShape}), or null to leave it to
     * libphonenumber's parser, which finds the same national number for these shapes (proved in PhoneNormalizerTest
     * against the parser on generated numbers); validity is still its call.
     */
    private String plainBrazilian(String text) {
        Plain plain = plainShape(text, 0, text.length());
        if (plain == null) {
            return null;
        }
        PhoneNumber parsed = new PhoneNumber().setCountryCode(BRAZIL).setNationalNumber(plain.national());
        PhoneNumberType type = util.getNumberType(parsed); // what isValidNumber asks too, so no dearer
        return type != PhoneNumberType.UNKNOWN && !NO_WHATSAPP.contains(type) ? "+" + BRAZIL + plain.national() : null;
    }

    /** The national number N of a plainly written Brazilian phone, its digit count, and whether it is written bare and starts with 55. */
    private record Plain(long national, int length, boolean mayStartWithCountryCode) { }

    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L};

    /**
     * The national number N of {@code text[from, to)} when it is a Brazilian number written plainly (region BR), or null.
     * The text may hold only digits, spaces, ( ) - and one leading +; N (area code first, 10 or 11 digits, not starting
     * with 0 or 90, so BR's national prefix rule cannot apply) is read from "+55 N", "55 N" (12 or 13 digits: too long
     * to be national), "0 N" (trunk prefix) or "N".
     */
    private Plain plainShape(String text, int from, int to) {
        if (!"BR".equals(region) || to - from > 40 || to == from) {
            return null;
        }
        long digits = 0;
        int length = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++length > 13) { // "+55" and 11 digits at most
                    return null;
                }
                digits = digits * 10 + (c - '0');
            } else if (!(c == ' ' || c == '(' || c == ')' || c == '-' || (c == '+' && i == from))) {
                return null;
            }
        }
        boolean plus = text.charAt(from) == '+';
        boolean startsWith55 = length >= 2 && digitAt(digits, length, 0) == 5 && digitAt(digits, length, 1) == 5;
        int start;
        if (plus || length >= 12 && startsWith55) {
            start = startsWith55 ? 2 : -1;
        } else {
            start = length > 0 && digitAt(digits, length, 0) == 0 ? 1 : 0;
        }
        int national = length - start;
        if (start < 0 || national < 10 || national > 11 || digitAt(digits, length, start) == 0
                || digitAt(digits, length, start) == 9 && digitAt(digits, length, start + 1) == 0) {
            return null;
        }
        return new Plain(digits % POWERS_OF_TEN[national], national, start == 0 && startsWith55);
    }

    /** The digit at {@code index} (0: the first) of the {@code length}-digit number {@code digits}. */
    private static int digitAt(long digits, int length, int index) {
        return (int) (digits / POWERS_OF_TEN[length - 1 - index] % 10);
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
