package io.arauto.support;

/** Masks phone numbers for logs: {@code +5511987654321} becomes {@code +55119****4321}. */
public final class PhoneMask {

    private PhoneMask() {
    }

    public static String mask(String phone) {
        if (phone == null || phone.isBlank()) {
            return "(none)";
        }
        String p = phone.strip();
        if (p.length() <= 8) {
            return "*".repeat(p.length());
        }
        int keepHead = Math.min(6, p.length() - 8);
        return p.substring(0, Math.max(keepHead, 2)) + "****" + p.substring(p.length() - 4);
    }
}
