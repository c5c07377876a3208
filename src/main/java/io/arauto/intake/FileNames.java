package io.arauto.intake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How Arauto names the files it moves, the same for the local folders and the SFTP server. */
public final class FileNames {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private FileNames() {
    }

    /** {@code orders.csv} with infix {@code 7} is {@code orders.7.csv}; a name without extension gets it at the end. */
    public static String withInfix(String fileName, String infix) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName + "." + infix : fileName.substring(0, dot) + "." + infix + fileName.substring(dot);
    }

    /** {@code orders.csv} received at {@code at} is {@code orders.20261122-053000.csv} (UTC). */
    public static String timeStamped(String fileName, Instant at) {
        return withInfix(fileName, STAMP.format(at));
    }

    /** An accepted file's name under archive/: {@code <template>/<name>.<campaign-id>.<ext>}. */
    public static String archiveName(String template, String fileName, long campaignId) {
        return template + "/" + withInfix(fileName, String.valueOf(campaignId));
    }
}
