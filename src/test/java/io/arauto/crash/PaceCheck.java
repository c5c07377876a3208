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
 * {@code arauto.send.rate} as Arauto kept it and as the provider saw it. Every request is followed from its turn and
 * the moment it left (the DEBUG line {@code Request out: campaign C row R to P, N ms after its turn}, logged right
 * after the throttle; the run must log {@code io.arauto.send.MessageSender} at DEBUG) to the moment the stub received
 * it (paired by the message key Arauto sends as {@code biz_opaque_callback_data}).
 * <ul>
 * <li>Arauto's turns: no rolling second holds more than the rate. This is Arauto's own doing, whatever the machine.</li>
 * <li>As they left Arauto: no rolling second holds more than the rate either (as logged: {@link #LOGGED_LATE}), except
 * by requests that left more than {@link #LOGGED_LATE} after their turn: a thread woken late on a loaded machine (seen
 * here at a load of 7 on 2 cores: 41 requests logged in a second at rate 40, two of them 3 ms apart). A second may
 * hold more than the rate only by as many such requests as it holds.</li>
 * <li>As they arrived at the stub: no rolling second holds more than the rate either, except by requests held up on
 * their way, which took more than {@link #HELD_UP} longer to arrive from their turn than the quickest request of the run (a loaded
 * machine, a collection in the stub): a second at the stub may hold more than the rate only by as many requests as it
 * holds that were held up. Arauto's throttle steps leave 5 ms in every second (SendPace), which absorbs such delay; a
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
    /**
     * A request took this much longer than the quickest to arrive, counted from its turn: it was held up on its way. From
     * the turn, not from its log line, as a thread a loaded machine runs late can be held up between the throttle's
     * permit and the line (seen: 41 arrivals in 999 ms at rate 40 whose log lines were 1,001 ms apart, while the permits
     * of 41 requests are at least 1,005 ms apart). A request that waited at the throttle counts as held up too: such
     * requests go at the throttle's steps, which leave 5 ms in every second.
     */
    static final Duration HELD_UP = Duration.ofMillis(5);
    private static final Pattern OUT = Pattern.compile("^(\\S+)\\s.*Request out: campaign (\\d+) row (\\d+) to \\S+, (\\d+) ms after its turn");

    record Trip(long key, long left, long lateMillis, long arrived, boolean paired) {
        /** How long it took to arrive from its log line; a request whose line was lost with a killed JVM counts as on time. */
        long took() {
            return paired ? arrived - left : Long.MIN_VALUE;
        }

        /** How long it took to arrive from its turn. */
        long fromTurn() {
            return paired ? arrived - left + lateMillis : Long.MIN_VALUE;
        }
    }

    private PaceCheck() {
    }

    /** A request as it left Arauto: when (the log's millisecond) and how long after its turn. */
    record Departure(long key, long left, long lateMillis) {
        long turn() {
            return left - lateMillis;
        }

        boolean heldUp() {
            return lateMillis > LOGGED_LATE.toMillis();
        }
    }

    /** Every request as it left, from the runs' DEBUG lines, in the order they were logged. */
    static List<Departure> departures(List<ArautoProcess> runs) {
        List<Departure> all = new ArrayList<>();
        for (ArautoProcess run : runs) {
            for (String line : run.logText().split("\\R")) {
                Matcher out = OUT.matcher(line);
                if (out.find()) {
                    long key = (Long.parseLong(out.group(2)) << 32) | Long.parseLong(out.group(3));
                    all.add(new Departure(key, Instant.parse(out.group(1)).toEpochMilli(), Long.parseLong(out.group(4))));
                }
            }
        }
        all.sort(Comparator.comparingLong(Departure::left));
        return all;
    }

    /** Each request as it left, per message key (retries included, in order). */
    static Map<Long, Deque<Departure>> byKey(List<Departure> departures) {
        Map<Long, Deque<Departure>> byKey = new HashMap<>();
        for (Departure d : departures) {
            byKey.computeIfAbsent(d.key(), k -> new ArrayDeque<>()).add(d);
        }
        return byKey;
    }

    /**
     * Checks both views of the pace: every request as it left (start and restarts included), and those the stub
     * received at the times {@code counted} takes (leaving out a JVM's first second, see the README's "The pace").
     */
    static void check(List<ArautoProcess> runs, CloudApiStub stub, int rate, java.util.function.LongPredicate counted,
                      String context) {
        List<Departure> all = departures(runs);
        Map<Long, Deque<Departure>> departures = byKey(all);
        List<Long> left = all.stream().map(Departure::left).toList();
        List<Long> turns = all.stream().map(Departure::turn).sorted().toList();
        Duration second = Duration.ofSeconds(1).minus(LOGGED_LATE);
        assertThat(CloudApiStub.busiestWindow(turns, second))
                .as("the most turns in any rolling second (less " + LOGGED_LATE.toMillis() + " ms, see LOGGED_LATE) at "
                        + "arauto.send.rate=" + rate + ": " + CloudApiStub.describeBusiest(turns, second) + context)
                .isLessThanOrEqualTo(rate);
        int first = 0;
        int late = 0;
        for (int last = 0; last < all.size(); last++) {
            if (all.get(last).heldUp()) {
                late++;
            }
            while (all.get(last).left() - all.get(first).left() >= second.toMillis()) {
                if (all.get(first).heldUp()) {
                    late--;
                }
                first++;
            }
            if (last - first + 1 - late > rate) {
                StringBuilder window = new StringBuilder();
                for (int i = first; i <= last; i++) {
                    window.append(' ').append(all.get(i).left() - all.get(0).left()).append('(').append(all.get(i).lateMillis()).append(')');
                }
                throw new AssertionError("A rolling second (less " + LOGGED_LATE.toMillis() + " ms) held " + (last - first + 1)
                        + " requests leaving Arauto at arauto.send.rate=" + rate + ", of which only " + late + " left more than "
                        + LOGGED_LATE.toMillis() + " ms after their turn: departures in ms after the first, (ms after the turn):"
                        + window + context);
            }
        }

        List<Trip> trips = new ArrayList<>();
        for (CloudApiStub.Arrival arrival : stub.arrivalsByKey()) {
            Deque<Departure> times = departures.get(arrival.key());
            Departure out = times == null ? null : times.poll();
            trips.add(out == null ? new Trip(arrival.key(), Long.MAX_VALUE, 0, arrival.millis(), false)
                    : new Trip(arrival.key(), out.left(), out.lateMillis(), arrival.millis(), true));
        }
        trips.sort(Comparator.comparingLong(Trip::arrived));
        long quickest = trips.stream().filter(Trip::paired).mapToLong(Trip::fromTurn).min().orElse(0);
        List<Trip> counts = trips.stream().filter(t -> counted.test(t.arrived())).toList();
        first = 0;
        int heldUp = 0;
        for (int last = 0; last < counts.size(); last++) {
            if (counts.get(last).fromTurn() > quickest + HELD_UP.toMillis()) {
                heldUp++;
            }
            while (counts.get(last).arrived() - counts.get(first).arrived() >= 1000) {
                if (counts.get(first).fromTurn() > quickest + HELD_UP.toMillis()) {
                    heldUp--;
                }
                first++;
            }
            int inWindow = last - first + 1;
            if (inWindow - heldUp > rate) {
                StringBuilder window = new StringBuilder();
                for (int i = first; i <= last; i++) {
                    Trip t = counts.get(i);
                    window.append(' ').append(t.arrived() - counts.get(0).arrived()).append('(')
                            .append(t.paired() ? t.lateMillis() + "+" + t.took() : "?").append(')');
                }
                throw new AssertionError("A rolling second at the stub held " + inWindow + " requests at arauto.send.rate=" + rate
                        + ", of which only " + heldUp + " were held up on their way (more than " + HELD_UP.toMillis()
                        + " ms slower from their turn than the quickest, " + quickest + " ms): arrivals in ms after the first, "
                        + "(ms from the turn to the log line + from the log line to the stub):" + window + context);
            }
        }
        System.out.printf("PaceCheck: busiest second at the stub %d (quickest from a turn %d ms), leaving Arauto %d, at rate %d%n",
                CloudApiStub.busiestWindow(counts.stream().map(Trip::arrived).toList(), Duration.ofSeconds(1)), quickest,
                CloudApiStub.busiestWindow(left, Duration.ofSeconds(1)), rate);
    }
}
