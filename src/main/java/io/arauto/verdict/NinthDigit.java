package io.arauto.verdict;

import java.util.List;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Brazil's ninth digit: every Brazilian mobile number got a 9 in front of its eight digits (2012-2016),
 * and WhatsApp still knows many accounts by the old form (Meta's {@code wa_id} "551187654321" for
 * +55 11 98765-4321). The two forms are one number: {@code +55 DD 9XXXX-XXXX} and {@code +55 DD XXXX-XXXX}
 * when the eight digits start with 6, 7, 8 or 9 (the mobile ranges; 2 to 5 are landlines, which never
 * got a ninth digit, and a 9 followed by 2 to 5 is a newer mobile that never had an eight-digit form)
 * and libphonenumber reads the nine-digit form as a mobile number. Only the nine-digit form is asked:
 * libphonenumber no longer takes the eight-digit one as valid at all.
 */
public final class NinthDigit {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** +55 and eleven national digits (area code, 9, eight digits): thirteen digits. */
    private static final long NINE_BASE = 5_500_000_000_000L;
    /** +55 and ten national digits (area code, eight digits): twelve digits. */
    private static final long EIGHT_BASE = 550_000_000_000L;
    private static final long EIGHT_DIGITS = 100_000_000L;
    private static final long NINE_DIGITS = 1_000_000_000L;

    private NinthDigit() { }

    /**
     * The same number written the other way, as a key ({@link PhoneNormalizer#toKey}), by its digits alone,
     * or 0 when its digits have no other form; {@link #twin} also asks libphonenumber. For hot loops that
     * look the candidate up first and confirm a hit with {@link #twin}.
     */
    public static long candidate(long key) {
        if (key >= NINE_BASE && key < NINE_BASE + 100 * NINE_DIGITS) {
            long national = key - NINE_BASE;
            long subscriber = national % NINE_DIGITS;
            if (subscriber / EIGHT_DIGITS == 9 && (subscriber / 10_000_000L) % 10 >= 6) {
                return EIGHT_BASE + national / NINE_DIGITS * EIGHT_DIGITS + subscriber % EIGHT_DIGITS;
            }
        } else if (key >= EIGHT_BASE && key < EIGHT_BASE + 100 * EIGHT_DIGITS) {
            long national = key - EIGHT_BASE;
            long subscriber = national % EIGHT_DIGITS;
            if (subscriber / 10_000_000L >= 6) {
                return NINE_BASE + national / EIGHT_DIGITS * NINE_DIGITS + 9 * EIGHT_DIGITS + subscriber;
            }
        }
        return 0;
    }

    /** The key of the same mobile number written with or without its ninth digit, or 0 when it has no such twin. */
    public static long twin(long key) {
        long other = candidate(key);
        return other != 0 && mobile(Math.max(key, other)) ? other : 0;
    }

    /**
     * Every way {@code e164} is written that names the same number: itself, then its ninth-digit twin if
     * it has one ({@code +5511987654321} and {@code +551187654321}, either way round). For comparing
     * numbers from Meta (statuses, replies, opt-outs) with the ledger's: match any of them.
     */
    public static List<String> variants(String e164) {
        if (e164 == null || e164.length() < 2 || e164.length() > 16 || e164.charAt(0) != '+') {
            return e164 == null ? List.of() : List.of(e164);
        }
        for (int i = 1; i < e164.length(); i++) {
            if (e164.charAt(i) < '0' || e164.charAt(i) > '9') {
                return List.of(e164);
            }
        }
        long other = twin(PhoneNormalizer.toKey(e164));
        return other == 0 ? List.of(e164) : List.of(e164, "+" + other);
    }

    private static boolean mobile(long nineDigitKey) {
        PhoneNumber number = new PhoneNumber().setCountryCode(55).setNationalNumber(nineDigitKey - NINE_BASE);
        PhoneNumberType type = UTIL.getNumberType(number);
        return type == PhoneNumberType.MOBILE || type == PhoneNumberType.FIXED_LINE_OR_MOBILE;
    }
}
