import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds per thread of a running JVM, from Linux's /proc/PID/task/TID/stat, between now and the moment the file
 * STOP appears (or the process ends). Threads are sampled every 100 ms, so one that ends in between keeps its last
 * figure; numbers in thread names are folded (status-sheet-1 and -2 add up). Usage: ThreadCpu PID STOP
 */
public class ThreadCpu {

    private static final double TICKS = 100.0; // USER_HZ on Linux

    public static void main(String[] args) throws Exception {
        Path tasks = Path.of("/proc", args[0], "task");
        Path stop = Path.of(args[1]);
        Map<String, Long> start = new HashMap<>();
        Map<String, Long> last = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        boolean first = true;
        while (Files.isDirectory(tasks)) {
            try (Stream<Path> list = Files.list(tasks)) {
                for (Path task : (Iterable<Path>) list::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    String tid = task.getFileName().toString();
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#"));
                    start.putIfAbsent(tid, first ? ticks : 0L);
                    last.put(tid, ticks);
                }
            } catch (IOException gone) {
                break;
            }
            first = false;
            if (Files.exists(stop)) {
                break;
            }
            Thread.sleep(100);
        }
        Map<String, Long> byName = new TreeMap<>();
        last.forEach((tid, ticks) -> byName.merge(names.get(tid), ticks - start.get(tid), Long::sum));
        long total = byName.values().stream().mapToLong(Long::longValue).sum();
        byName.entrySet().stream().filter(e -> e.getValue() >= 5).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> System.out.printf("%8.2f  %s%n", e.getValue() / TICKS, e.getKey()));
        System.out.printf("%8.2f  (all threads)%n", total / TICKS);
    }
}
