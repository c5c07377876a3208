import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.arauto.config.ArautoProperties;
import io.arauto.optout.CrmDatabase;
import io.arauto.optout.OptOutList;
import io.arauto.verdict.PhoneNormalizer;

/**
 * What one reload of the CRM's opt-out list costs: Arauto's own OptOutList and CrmDatabase, on the benchmark's
 * 1M-entry CRM (bench/out/crm/crm.mv.db, written by GenerateBenchData), loaded {@code rounds} times in a row (with
 * crm-refresh at 0, every snapshot reloads it: the same on code from before crm-version-query). Prints
 * each round's wall time and the CPU time the whole JVM used for it (every thread, GC included: what an idle
 * Arauto pays per reload), then the median.
 *
 * <pre>java -Xmx256m -XX:+UseParallelGC -cp "target/classes:$(cat bench/out/classpath.txt)" bench/src/CrmLoad.java \
 *     "jdbc:h2:file:$PWD/bench/out/crm/crm;ACCESS_MODE_DATA=r" 5</pre>
 */
public final class CrmLoad {

    private CrmLoad() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ArautoProperties properties = new ArautoProperties();
        properties.getCrm().getDatasource().setUrl(url);
        properties.getCrm().getDatasource().setUsername("sa");
        properties.getOptout().setQuery(args.length > 2 ? args[2] : "select telefone from optout_whatsapp");
        properties.getOptout().setCrmRefresh(Duration.ZERO); // every snapshot finds the list too old: each one is a reload
        // the opt-out list's own table is not read here: an empty in-memory ledger stands in for it
        Connection ledgerConnection = DriverManager.getConnection("jdbc:h2:mem:ledger", "sa", "");
        JdbcTemplate ledger = new JdbcTemplate(new SingleConnectionDataSource(ledgerConnection, true));
        ledger.execute("create table opt_out (phone_e164 varchar(20))");
        CrmDatabase crm = new CrmDatabase(properties);
        OptOutList list = new OptOutList(ledger, null, null, null, crm, new PhoneNormalizer(properties), properties, null,
                Clock.systemUTC());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] cpu = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            System.gc(); // each round starts from the same heap: the garbage of the previous one is not on its bill
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            int numbers = list.snapshot().crm().size();
            long wall = System.nanoTime() - wall0;
            cpu[round] = os.getProcessCpuTime() - cpu0;
            System.out.printf("round %d: %d ms wall, %.2f s CPU (%d numbers)%n", round + 1, wall / 1_000_000, cpu[round] / 1e9, numbers);
        }
        java.util.Arrays.sort(cpu);
        System.out.printf("median CPU per reload: %.2f s (min %.2f, max %.2f, %d rounds; the first includes the JIT's warm-up)%n",
                cpu[rounds / 2] / 1e9, cpu[0] / 1e9, cpu[rounds - 1] / 1e9, rounds);
        crm.destroy();
        ledgerConnection.close();
    }
}
