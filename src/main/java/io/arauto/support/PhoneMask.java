package io.arauto.support;

/** Hides the middle of a phone number for logs: {@code +5511987654321} becomes {@code +55119****4321}. */
public final class PhoneMask {

    private static final int KEEP_START = 6;
    private static final int KEEP_END = 4;

    private PhoneMask() { }

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
