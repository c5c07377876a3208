import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;

/**
 * Issue 13 point 3's yardstick: the bare loop an intake is compared with. One thread, no database, no Arauto: FastCSV
 * reads the CSV, libphonenumber parses and checks each phone (region BR) and formats it E.164, a hash set finds the
 * repeats and another the opted-out numbers (sets of longs, as Arauto's) (the CRM list, loaded and normalised the same way before the clock starts,
 * as a running Arauto holds it). Prints rows per second of the loop alone, best of {@code rounds}.
 *
 * <pre>java -Xmx256m -XX:+UseParallelGC -cp "$(cat bench/out/classpath.txt)" bench/src/BareLoop.java \
 *     bench/out/pedidos-1m.csv "jdbc:h2:file:$PWD/bench/out/crm/crm;ACCESS_MODE_DATA=r" 3</pre>
 */
public final class BareLoop {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private BareLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        LongOpenHashSet optedOut = new LongOpenHashSet(1 << 20);
        try (Connection crm = DriverManager.getConnection(args[1], "sa", "");
             Statement query = crm.createStatement();
             ResultSet rs = query.executeQuery("select telefone from optout_whatsapp")) {
            while (rs.next()) {
                String e164 = e164(rs.getString(1));
                if (e164 != null) {
                    optedOut.add(key(e164));
                }
            }
        }
        double best = 0;
        for (int round = 1; round <= rounds; round++) {
            long started = System.nanoTime();
            int rows = 0;
            int invalid = 0;
            int duplicate = 0;
            int opted = 0;
            LongOpenHashSet seen = new LongOpenHashSet(1 << 20);
            try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
                boolean header = true;
                for (CsvRecord record : reader) {
                    if (header) {
                        header = false;
                        continue;
                    }
                    rows++;
                    String e164 = e164(record.getField(0));
                    if (e164 == null) {
                        invalid++;
                    } else if (!seen.add(key(e164))) {
                        duplicate++;
                    } else if (optedOut.contains(key(e164))) {
                        opted++;
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double perSecond = rows / seconds;
            best = Math.max(best, perSecond);
            System.out.printf("round %d: %d rows in %.2f s = %.0f rows/s (invalid %d, duplicate %d, opted out %d)%n",
                    round, rows, seconds, perSecond, invalid, duplicate, opted);
        }
        System.out.printf("bare loop: best %.0f rows/s%n", best);
    }

    /** The number as the sets hold it (as Arauto's do): its E.164 digits as a long. */
    private static long key(String e164) {
        return Long.parseLong(e164, 1, e164.length(), 10);
    }

    private static String e164(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            Phonenumber.PhoneNumber number = PHONES.parse(raw, "BR");
            return PHONES.isValidNumber(number) ? PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }
}
