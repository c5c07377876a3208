package io.arauto.crash;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code arauto.send.rate} as Arauto kept it and as the provider saw it. Every request is followed from the moment it
 * left (the DEBUG line {@code Request out: campaign C row R}, logged right after the throttle; the run must log
 * {@code io.arauto.send.MessageSender} at DEBUG) to the moment the stub received it (paired by the message key Arauto
 * sends as {@code biz_opaque_callback_data}).
 * <ul>
 * <li>As they left Arauto: no rolling second holds more than the rate (as logged: {@link #LOGGED_LATE}). This is
 * Arauto's own doing.</li>
 * <li>As they arrived at the stub: no rolling second holds more than the rate either, except by requests held up on
 * their way, which took more than {@link #HELD_UP} longer to arrive than the quickest request of the run (a loaded
 * machine, a collection in the stub): a second at the stub may hold more than the rate only by as many requests as it
 * holds that were held up. Arauto's turns come 1 % slower than the rate, which absorbs about 10 ms of such delay; a
 * test machine busy with other builds delays requests by 50 ms and more, which no pace could absorb.</li>
 * </ul>
 */
final class PaceCheck {

    /**
     * A departure is logged a moment after the throttle let it go, to the millisecond: after a hold-up the throttle lets
     * requests go exactly at the rate (its permits come back exactly one step after they were taken), so a request logged
     * a few milliseconds late can seem to share a second with the one {@code rate} requests later. Departures are
     * counted in windows of a second less this.
     */
    static final Duration LOGGED_LATE = Duration.ofMillis(5);
    /** A request took this much longer than the quickest to arrive: it was held up on its way. */
    static final Duration HELD_UP = Duration.ofMillis(5);
    private static final Pattern OUT = Pattern.compile("^(\\S+)\\s.*Request out: campaign (\\d+) row (\\d+) ");

    record Trip(long key, long left, long arrived, boolean paired) {
        /** How long it took to arrive; a request whose line was lost with a killed JVM counts as on time. */
        long took() {
            return paired ? arrived - left : Long.MIN_VALUE;
        }
    }

    private PaceCheck() {
    }

    /** When each request left, per message key (retries included, in order), from the runs' DEBUG lines. */
    static Map<Long, Deque<Long>> departures(List<ArautoProcess> runs) {
        Map<Long, Deque<Long>> byKey = new HashMap<>();
        for (ArautoProcess run : runs) {
            for (String line : run.logText().split("\\R")) {
                Matcher out = OUT.matcher(line);
                if (out.find()) {
                    long key = (Long.parseLong(out.group(2)) << 32) | Long.parseLong(out.group(3));
                    byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(Instant.parse(out.group(1)).toEpochMilli());
                }
            }
        }
        byKey.values().forEach(times -> {
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(null);
            times.clear();
            times.addAll(sorted);
        });
        return byKey;
    }

    /**
     * Checks both views of the pace: every request as it left (start and restarts included), and those the stub
     * received at the times {@code counted} takes (leaving out a JVM's first second, see the README's "The pace").
     */
    static void check(List<ArautoProcess> runs, CloudApiStub stub, int rate, java.util.function.LongPredicate counted,
                      String context) {
        Map<Long, Deque<Long>> departures = departures(runs);
        List<Long> left = departures.values().stream().flatMap(Deque::stream).sorted().toList();
        Duration second = Duration.ofSeconds(1).minus(LOGGED_LATE);
        assertThat(CloudApiStub.busiestWindow(left, second))
                .as("the most requests leaving Arauto in any rolling second (less " + LOGGED_LATE.toMillis() + " ms, see LOGGED_LATE) at "
                        + "arauto.send.rate=" + rate + ": " + CloudApiStub.describeBusiest(left, second) + context)
                .isLessThanOrEqualTo(rate);

        List<Trip> trips = new ArrayList<>();
        for (CloudApiStub.Arrival arrival : stub.arrivalsByKey()) {
            Deque<Long> times = departures.get(arrival.key());
            Long out = times == null ? null : times.poll();
            trips.add(out == null ? new Trip(arrival.key(), Long.MAX_VALUE, arrival.millis(), false)
                    : new Trip(arrival.key(), out, arrival.millis(), true));
        }
        trips.sort(Comparator.comparingLong(Trip::arrived));
        long quickest = trips.stream().filter(Trip::paired).mapToLong(Trip::took).min().orElse(0);
        List<Trip> counts = trips.stream().filter(t -> counted.test(t.arrived())).toList();
        int first = 0;
        int heldUp = 0;
        for (int last = 0; last < counts.size(); last++) {
            if (counts.get(last).took() > quickest + HELD_UP.toMillis()) {
                heldUp++;
            }
            while (counts.get(last).arrived() - counts.get(first).arrived() >= 1000) {
                if (counts.get(first).took() > quickest + HELD_UP.toMillis()) {
                    heldUp--;
                }
                first++;
            }
            int inWindow = last - first + 1;
            if (inWindow - heldUp > rate) {
                StringBuilder window = new StringBuilder();
                for (int i = first; i <= last; i++) {
                    Trip t = counts.get(i);
                    window.append(' ').append(t.arrived() - counts.get(0).arrived()).append('(').append(t.paired() ? t.took() : "?").append(')');
                }
                throw new AssertionError("A rolling second at the stub held " + inWindow + " requests at arauto.send.rate=" + rate
                        + ", of which only " + heldUp + " were held up on their way (more than " + HELD_UP.toMillis()
                        + " ms slower than the quickest, " + quickest + " ms): arrivals in ms after the first, (trip in ms):"
                        + window + context);
            }
        }
        System.out.printf("PaceCheck: busiest second at the stub %d (quickest trip %d ms), leaving Arauto %d, at rate %d%n",
                CloudApiStub.busiestWindow(counts.stream().map(Trip::arrived).toList(), Duration.ofSeconds(1)), quickest,
                CloudApiStub.busiestWindow(left, Duration.ofSeconds(1)), rate);
    }
}
