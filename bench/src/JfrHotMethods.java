import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * JDK 17's {@code jfr} tool has no "view hot-methods" (that came in JDK 21), so this reads a
 * recording's execution samples: samples per thread, then the methods that were on top of the
 * stack (self) and anywhere on it (total), for the threads whose name contains a filter.
 *
 * <pre>java [-Dnative=true | -Dalloc=true] [-Dfrom=EPOCH_MILLIS] bench/src/JfrHotMethods.java bench/out/csv-1.jfr [thread-filter] [top] [focus]</pre>
 * With a focus (e.g. {@code OptOutList.loadCrm}), only samples with that method on the stack count.
 */
public final class JfrHotMethods {

    /** jdk.ExecutionSample (threads running Java code); -Dnative=true reads jdk.NativeMethodSample (threads in native code, e.g. file I/O). */
    private static final String EVENT = Boolean.getBoolean("native") ? "jdk.NativeMethodSample"
            : Boolean.getBoolean("alloc") ? "jdk.ObjectAllocationSample" : "jdk.ExecutionSample";
    /** With -Dalloc=true, counts are megabytes allocated (the samples' weight), and the allocated type comes first on the stack. */
    private static final boolean ALLOC = Boolean.getBoolean("alloc");
    /** With -Dfrom=EPOCH_MILLIS, only samples from then on (a warm run's timed file: its drop time, from the app's log). */
    private static final long FROM = Long.getLong("from", 0);

    private JfrHotMethods() {
    }

    public static void main(String[] args) throws Exception {
        String filter = args.length > 1 ? args[1] : "";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String focus = args.length > 3 ? args[3] : null;
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals(EVENT) || e.getStackTrace() == null || e.getStartTime().toEpochMilli() < FROM) {
                continue;
            }
            String field = ALLOC ? "eventThread" : "sampledThread";
            String thread = e.getThread(field) == null ? "?" : e.getThread(field).getJavaName();
            int weight = ALLOC ? (int) Math.max(1, e.getLong("weight") >> 20) : 1;
            threads.merge(thread == null ? "?" : thread, weight, Integer::sum);
            if (thread == null || !thread.contains(filter)) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty() || focus != null && frames.stream().noneMatch(f -> name(f).equals(focus))) {
                continue;
            }
            samples += weight;
            String first = ALLOC ? e.getClass("objectClass").getName() + " <- " + name(frames.get(0)) : name(frames.get(0));
            self.merge(first, weight, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, weight, Integer::sum);
                }
            }
        }
        System.out.println("== samples per thread");
        print(threads, 15, threads.values().stream().mapToInt(Integer::intValue).sum());
        System.out.println("== self (top of stack), threads containing '" + filter + "': " + samples + " samples");
        print(self, top, samples);
        System.out.println("== total (anywhere on the stack)");
        print(total, top, samples);
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static void print(Map<String, Integer> counts, int top, int of) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%6d %5.1f%%  %s%n", en.getValue(), 100.0 * en.getValue() / Math.max(1, of), en.getKey()));
    }
}
