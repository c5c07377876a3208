package io.arauto.support;

import java.nio.charset.StandardCharsets;

/**
 * File names Arauto derives from a dropped file's name (archive, error, status files), kept within a
 * number of UTF-8 bytes: most file systems refuse a name over 255 bytes, and a derived name needs
 * room for the temporary and lock names made from it. What is cut is the end of the base name,
 * never the extension nor what Arauto adds (a campaign id, a time stamp).
 */
public final class ShortNames {

    /** Bytes a name may have on most file systems (ext4, XFS, NTFS in UTF-16 units, SFTP servers on them). */
    public static final int NAME_MAX = 255;
    /** An extension longer than this is taken as part of the base name: {@code .csv}, {@code .xlsx}, not a long tail after a dot. */
    private static final int LONGEST_EXTENSION = 16;

    private ShortNames() {
    }

    public static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * {@code orders.csv} with infix {@code 7} is {@code orders.7.csv}; a name without extension gets it at the end. When
     * that is over {@code maxBytes}, the base name loses its end, whole characters only, until it fits.
     */
    public static String withInfix(String fileName, String infix, int maxBytes) {
        return fitted(fileName, "." + infix, maxBytes);
    }

    /** {@code fileName} itself when it has at most {@code maxBytes}, else its base name cut to fit before its extension. */
    public static String shortened(String fileName, int maxBytes) {
        return fitted(fileName, "", maxBytes);
    }

    private static String fitted(String fileName, String added, int maxBytes) {
        int dot = fileName.lastIndexOf('.');
        boolean hasExtension = dot > 0 && bytes(fileName.substring(dot)) <= LONGEST_EXTENSION;
        String base = hasExtension ? fileName.substring(0, dot) : fileName;
        String tail = added + (hasExtension ? fileName.substring(dot) : "");
        return fit(base, maxBytes - bytes(tail)) + tail;
    }

    /** {@code text}, cut at a character boundary to at most {@code maxBytes} UTF-8 bytes (at least its first character). */
    public static String fit(String text, int maxBytes) {
        if (bytes(text) <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = bytes(new String(Character.toChars(codePoint)));
            if (bytes + size > maxBytes && end > 0) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
