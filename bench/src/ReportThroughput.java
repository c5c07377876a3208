import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

import io.arauto.ledger.StatusLine;
import io.arauto.report.CellSanitizer;
import io.arauto.report.StatusReportWriter;

/**
 * How fast StatusReportWriter writes a status CSV and its XLSX twin, without the ledger: generated
 * lines shaped like the benchmark's (a phone as written, E.164, a status, a wamid, a time, the four
 * input cells with accents). CPU is the whole process's (the writer's threads and the collector's),
 * so it can be compared across versions and stays meaningful on a busy machine. See bench/README.md.
 *
 * <pre>java -Xmx256m -XX:+UseParallelGC -cp target/classes:$(cat bench/out/classpath.txt) bench/src/ReportThroughput.java [rows] [dir] [rounds]</pre>
 */
public class ReportThroughput {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Path.of(args.length > 1 ? args[1] : "bench/out/report");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(dir);
        Path csv = dir.resolve("pedidos-1m.1.status.csv");
        Path xlsx = dir.resolve("pedidos-1m.1.status.xlsx");
        StatusReportWriter writer = new StatusReportWriter(new CellSanitizer());
        var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 1; round <= rounds; round++) {
            long cpu0 = process.getProcessCpuTime();
            long t0 = System.nanoTime();
            writer.write(csv, xlsx, List.of("telefone", "nome", "pedido", "entrega"), lines(rows));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (process.getProcessCpuTime() - cpu0) / 1e9; // every thread: the writer's, the collector's
            System.out.printf("round %d: %,d lines in %.2f s, %.2f s CPU = %,.0f lines/s; CSV %,d KB, XLSX %,d KB, %d MB heap%n",
                    round, rows, seconds, cpu, rows / seconds, Files.size(csv) >> 10, Files.size(xlsx) >> 10,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static Iterator<StatusLine> lines(int rows) {
        String[] statuses = {"QUEUED", "SENT", "DELIVERED", "READ", "INVALID", "DUPLICATE", "OPTED_OUT"};
        String[] names = {"Ana Souza", "João Conceição", "Maria Antônia da Silva", "José Araújo", "Lúcia Gonçalves"};
        Instant at = Instant.parse("2026-11-22T05:30:02Z");
        return new Iterator<>() {
            int row = 2;

            @Override
            public boolean hasNext() {
                return row < rows + 2;
            }

            @Override
            public StatusLine next() {
                int i = row++;
                String area = Integer.toString(11 + i % 89);
                String number = Integer.toString(10_000_000 + i % 90_000_000);
                String phone = "(" + area + ") 9" + number.substring(0, 4) + "-" + number.substring(4);
                String e164 = "+55" + area + "9" + number;
                String status = statuses[i % statuses.length];
                boolean invalid = status.equals("INVALID");
                String wamid = status.equals("SENT") || status.equals("DELIVERED") || status.equals("READ")
                        ? "wamid.HBgMNTUxMTk4NzY1NDMyMRUCABEYEjQ" + Integer.toHexString(i) : null;
                return new StatusLine(i, phone, invalid ? null : e164, status,
                        invalid ? "The phone '" + phone + "' is not a valid number for region BR." : "", null, wamid,
                        at.plusSeconds(i % 3600),
                        List.of(phone, names[i % names.length] + " " + i, Integer.toString(100_000 + i), "25/12/2026"));
            }
        };
    }
}
