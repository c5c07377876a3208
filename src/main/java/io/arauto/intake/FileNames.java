package io.arauto.intake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.arauto.support.ShortNames;

/**
 * How Arauto names the files it moves, the same for the local folders and the SFTP server. Names in
 * archive/ and error/ keep to {@link #MOVED_NAME_MAX} bytes, so that the note beside a rejected file
 * ({@code .error.txt}) and an upload's temporary name ({@code .<name>.tmp}) still fit the file system.
 */
public final class FileNames {

    /** 255 bytes less {@code .error.txt} (10) and the SFTP upload's {@code .} and {@code .tmp} (5). */
    public static final int MOVED_NAME_MAX = ShortNames.NAME_MAX - 15;
    /** More rejected files of the same name in the same second than anyone drops; past it, a name is not reused but refused. */
    public static final int MOST_ERROR_NAMES = 1000;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private FileNames() {
    }

    /** An accepted file's name under archive/: {@code <template>/<name>.<campaign-id>.<ext>}, its name cut to fit when long. */
    public static String archiveName(String template, String fileName, long campaignId) {
        return template + "/" + ShortNames.withInfix(fileName, String.valueOf(campaignId), MOVED_NAME_MAX);
    }

    /**
     * The names a rejected file may get in error/, first choice first: {@code orders.csv}, then {@code
     * orders.20261122-053000.csv} (received at, UTC), then {@code orders.20261122-053000-2.csv} and on. Whoever moves
     * the file takes the first that is free; each fits {@link #MOVED_NAME_MAX}.
     */
    public static Iterable<String> errorNames(String fileName, Instant at) {
        String stamp = STAMP.format(at);
        return () -> new Iterator<>() {
            private int next = 0;

            @Override
            public boolean hasNext() {
                return next < MOST_ERROR_NAMES;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = next++;
                return n == 0 ? ShortNames.shortened(fileName, MOVED_NAME_MAX)
                        : ShortNames.withInfix(fileName, n == 1 ? stamp : stamp + "-" + n, MOVED_NAME_MAX);
            }
        };
    }
}
