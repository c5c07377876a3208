package io.arauto.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.poi.poifs.filesystem.FileMagic;

/**
 * Decides how a CSV file's bytes are text, from the file as a whole: UTF-8 (with or without BOM)
 * when its well-formed multi-byte UTF-8 characters outnumber its broken ones, else Windows-1252.
 * One stray Latin-1 byte in a UTF-8 file thus stays one unreadable character (its row is refused)
 * instead of turning every accent of the file into mojibake. Refuses what is not text in one of
 * them: UTF-16 with or without BOM, workbooks and other binary files, and accented letters written
 * in another code page (Mac Roman, DOS 850), in plain words.
 */
final class CsvEncoding {

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** How much of the start is looked at for binary content and UTF-16 without a BOM. */
    private static final int SNIFF = 64 * 1024;
    private static final String SAVE_AS = "save it as \"CSV UTF-8 (Comma delimited)\" and drop it again.";

    /** The decision: the charset, how many BOM bytes to skip, how many byte sequences are not valid in it. */
    record Decision(Charset charset, int bomLength, long brokenSequences) { }

    private CsvEncoding() {
    }

    static Decision decide(Path file, String fileName) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(SNIFF);
        }
        if (startsWith(start, 0xFF, 0xFE) || startsWith(start, 0xFE, 0xFF)) { // Excel's "Unicode Text"
            throw new UnreadableFileException(fileName + " is saved as UTF-16 (Excel's \"Unicode Text\"); " + SAVE_AS);
        }
        boolean bom = startsWith(start, 0xEF, 0xBB, 0xBF);
        refuseWhatIsNotText(start, fileName);
        Utf8Count count = Utf8Count.of(file, bom ? 3 : 0);
        if (bom || count.broken == 0 || count.wellFormed > count.broken) {
            return new Decision(StandardCharsets.UTF_8, bom ? 3 : 0, count.broken);
        }
        if (count.otherCodePage >= 2 && count.otherCodePage * 5 >= count.nonAscii) {
            throw new UnreadableFileException(fileName + " has accented letters in a code page Arauto does not read (they look like "
                    + "Mac Roman or DOS/OEM 850, where 'Conceição' reads as 'Concei‡Æo'); Arauto reads UTF-8 and Windows-1252: " + SAVE_AS);
        }
        return new Decision(WINDOWS_1252, 0, count.undefinedIn1252);
    }

    /** A zip (an .xlsx named .csv), an old Office file, a PDF, UTF-16 without a BOM, or any other binary content. */
    private static void refuseWhatIsNotText(byte[] start, String fileName) throws UnreadableFileException {
        FileMagic magic = FileMagic.valueOf(start);
        if (magic == FileMagic.OOXML) {
            throw new UnreadableFileException(fileName + " is not a CSV file: it is an Excel workbook (.xlsx) or another zip file "
                    + "with a .csv name. Drop a workbook under a name ending in .xlsx, or save it as \"CSV UTF-8 (Comma delimited)\".");
        }
        if (magic == FileMagic.OLE2) {
            throw new UnreadableFileException(fileName + " is not a CSV file: it is an old Excel (.xls) or other Office file, or a "
                    + "password-protected workbook, with a .csv name; " + SAVE_AS);
        }
        if (magic == FileMagic.PDF) {
            throw new UnreadableFileException(fileName + " is not a CSV file: it is a PDF document; " + SAVE_AS);
        }
        int[] zerosAt = new int[2];
        int control = 0;
        for (int i = 0; i < start.length; i++) {
            int b = start[i] & 0xFF;
            if (b == 0) {
                zerosAt[i % 2]++;
            }
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') {
                control++;
            }
        }
        int half = start.length / 2;
        // UTF-16 text of Latin letters has a zero in every other byte, and almost none in the others
        if (half >= 4 && Math.max(zerosAt[0], zerosAt[1]) * 10 >= half * 4 && Math.min(zerosAt[0], zerosAt[1]) * 20 <= half) {
            throw new UnreadableFileException(fileName + " is saved as UTF-16 text without a byte-order mark; " + SAVE_AS);
        }
        // text has a stray control character or two; binary data has them everywhere
        if (control > 16 && control * 50 > start.length) {
            throw new UnreadableFileException(fileName + " is not a CSV file: it holds binary data, not text; " + SAVE_AS);
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * One pass over the whole file: its well-formed multi-byte UTF-8 characters and its broken
     * sequences, and, for reading it as Windows-1252, bytes that code page leaves undefined and
     * bytes that are letters in Mac Roman or DOS 850 but symbols in Windows-1252 ({@code ‡ ‹ Ž ‚ ƒ ˆ}...),
     * right after a letter.
     */
    private static final class Utf8Count {

        long wellFormed;
        long broken;
        long nonAscii;
        long undefinedIn1252;
        long otherCodePage;

        static Utf8Count of(Path file, int skip) throws IOException {
            Utf8Count count = new Utf8Count();
            byte[] buffer = new byte[64 * 1024];
            int pending = 0; // continuation bytes still expected
            int min = 0x80; // what the sequence's second byte must be at least / at most, against overlong and surrogate forms
            int max = 0xBF;
            int previous = ' ';
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(skip);
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        int b = buffer[i] & 0xFF;
                        if (b >= 0x80) {
                            count.nonAscii++;
                            if (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) {
                                count.undefinedIn1252++;
                            }
                            if (isLetterElsewhere(b) && (isAsciiLetter(previous) || previous >= 0x80)) {
                                count.otherCodePage++;
                            }
                        }
                        previous = b;
                        if (pending > 0) {
                            if (b >= min && b <= max) {
                                min = 0x80;
                                max = 0xBF;
                                if (--pending == 0) {
                                    count.wellFormed++;
                                }
                                continue;
                            }
                            count.broken++; // the sequence broke off; this byte starts afresh
                            pending = 0;
                        }
                        if (b < 0x80) {
                            continue;
                        }
                        if (b >= 0xC2 && b <= 0xDF) {
                            pending = 1;
                        } else if (b >= 0xE0 && b <= 0xEF) {
                            pending = 2;
                            min = b == 0xE0 ? 0xA0 : 0x80;
                            max = b == 0xED ? 0x9F : 0xBF;
                        } else if (b >= 0xF0 && b <= 0xF4) {
                            pending = 3;
                            min = b == 0xF0 ? 0x90 : 0x80;
                            max = b == 0xF4 ? 0x8F : 0xBF;
                        } else {
                            count.broken++;
                        }
                    }
                }
            }
            if (pending > 0) {
                count.broken++;
            }
            return count;
        }

        /** Bytes that are accented letters in Mac Roman or DOS 850 and punctuation or rare letters in Windows-1252. */
        private static boolean isLetterElsewhere(int b) {
            return b >= 0x81 && b <= 0x8F && b != 0x84 && b != 0x85 || b == 0x90 || b >= 0x99 && b <= 0x9F;
        }

        private static boolean isAsciiLetter(int b) {
            return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
        }
    }
}
