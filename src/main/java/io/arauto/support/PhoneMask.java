package io.arauto.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hides the middle of a phone number for logs: {@code +5511987654321} becomes {@code +55119****4321}. */
public final class PhoneMask {

    private static final int KEEP_START = 6;
    private static final int KEEP_END = 4;

    /** Runs of 10 or more digits, as phones are written (spaces, dots, dashes and brackets between them, a + before). */
    private static final Pattern PHONE_LIKE = Pattern.compile("\\+?\\d(?:[\\d\\s().-]*\\d){9,}");

    private PhoneMask() { }

    /** Free text (a reason quoting a file's cells) with every phone-like run of digits in it masked. */
    public static String maskAll(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = PHONE_LIKE.matcher(text);
        StringBuilder masked = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(masked, Matcher.quoteReplacement(mask(m.group())));
        }
        return m.appendTail(masked).toString();
    }

    public static String mask(String phone) {
        if (phone == null) {
            return null;
        }
        int length = phone.length();
        if (length <= KEEP_START + KEEP_END) { // too short to show both ends without showing it all
            int shown = Math.min(KEEP_END, length / 2);
            return "*".repeat(length - shown) + phone.substring(length - shown);
        }
        return phone.substring(0, KEEP_START) + "*".repeat(length - KEEP_START - KEEP_END) + phone.substring(length - KEEP_END);
    }
}
