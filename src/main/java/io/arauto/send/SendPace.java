package io.arauto.send;

import java.time.Duration;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.TimeMeter;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * How the send route holds {@code arauto.send.rate}, in two steps right before a request leaves:
 * <ol>
 * <li>{@link #awaitTurn()} spaces requests evenly, one every 1/(0.995 × the throttle's pace) seconds,
 * on a fixed schedule (bucket4j, refilled continuously, holding one turn at most): a turn taken a
 * little late does not push the later ones back, so the pace does not slowly fall behind;</li>
 * <li>Camel's throttle EIP then guarantees the ceiling: {@code requests} per {@code periodMillis},
 * a rolling window (it gives a permit back exactly one period after it was taken), in steps of
 * at most a fifth of a second's worth, so <b>no rolling second ever holds more than the rate</b>.
 * The turns come 0.5 % slower than its steps, so a request seldom waits at it.</li>
 * </ol>
 * The steps are 0.5 % slower than the rate: {@code rate + 1} permits span at least {@link #STEPS_SPAN_MILLIS},
 * a second and 5 ms. After a hold-up, requests catch up with their turns at the throttle's pace, one step after
 * another; were the steps the rate exactly, a request 1 ms quicker on its way than the one {@code rate} requests
 * before would share a second with it at the provider. With the 5 ms, a request held up on its way for up to 5 ms
 * more than another still arrives in its own second. The throttle's steps are given to the route as the properties
 * {@code send-pace.requests} and {@code send-pace.period-millis}.
 */
@Component
public class SendPace implements CamelContextConfiguration {

    /** The steps that let the rate through take this long: a second and the slack a request's trip may vary by. */
    static final int STEPS_SPAN_MILLIS = 1_005;
    /** The even turns come this much slower than the throttle's steps. */
    static final double TURNS_SLOWER_BY = 0.005;

    private final int requests;
    private final long periodMillis;
    private final Bucket turns;
    private final TimeMeter clock;
    /** The turn the calling thread waits for, due at this time (the clock's nanoseconds). */
    private static final ThreadLocal<long[]> DUE = ThreadLocal.withInitial(() -> new long[1]);

    @org.springframework.beans.factory.annotation.Autowired
    public SendPace(ArautoProperties properties) {
        this(properties, TimeMeter.SYSTEM_NANOTIME);
    }

    /** With the clock the turns are counted on (a test's). */
    SendPace(ArautoProperties properties, TimeMeter clock) {
        int rate = properties.getSend().getRate();
        // the steps (k requests per p ms) that keep the most of the rate while rate + 1 permits never come within
        // STEPS_SPAN_MILLIS (so no rolling second holds more than the rate), each step at most a fifth of a second's worth
        int bestK = 1;
        long bestP = (long) Math.ceil((double) STEPS_SPAN_MILLIS / rate);
        for (int k = 1; k <= Math.max(1, rate / 5); k++) {
            long p = (long) Math.ceil((double) STEPS_SPAN_MILLIS * k / rate);
            while (k * (long) Math.ceil((double) STEPS_SPAN_MILLIS / p) > rate) {
                p++;
            }
            if ((double) k / p > (double) bestK / bestP + 1e-12) {
                bestK = k;
                bestP = p;
            }
        }
        this.requests = bestK;
        this.periodMillis = bestP;
        // k turns every p ms × 1.005, added continuously; one turn held at most, so turns missed while nobody waited are gone
        int turnsPerPeriod = bestK;
        Duration turnPeriod = Duration.ofNanos(Math.round(bestP * 1_000_000L * (1 + TURNS_SLOWER_BY)));
        this.clock = clock;
        this.turns = Bucket.builder().withCustomTimePrecision(clock)
                .addLimit(limit -> limit.capacity(1).refillGreedy(turnsPerPeriod, turnPeriod).initialTokens(1))
                .build()
                .toListenable(new TurnDue());
    }

    /** When the caller's turn is due: as it calls, or, when it must wait, the moment its wait ends (on its own thread). */
    private final class TurnDue implements BucketListener {
        @Override
        public void beforeParking(long nanos) {
            DUE.get()[0] = clock.currentTimeNanos() + nanos;
        }

        @Override
        public void onConsumed(long tokens) {
            // the turn is due as the caller asked for it
        }

        @Override
        public void onRejected(long tokens) {
            // a blocking consume is never rejected
        }

        @Override
        public void onParked(long nanos) {
            // its due time was taken before it parked
        }

        @Override
        public void onInterrupted(InterruptedException e) {
            // the caller gets the interruption
        }

        @Override
        public void onDelayed(long nanos) {
            // only for scheduled (asynchronous) consumption, not used
        }
    }

    public int requests() {
        return requests;
    }

    public long periodMillis() {
        return periodMillis;
    }

    /** The most requests that can leave in any rolling second: never more than the rate. */
    public long mostInASecond() {
        return mostWithin(1000);
    }

    /** The most requests that can leave within {@code millis}: {@code requests} per started step. */
    public long mostWithin(long millis) {
        return requests * (long) Math.ceil((double) millis / periodMillis);
    }

    /** Requests per second the even turns let through: 0.5 % under the throttle's steps. */
    public double turnsPerSecond() {
        return 1000.0 * requests / periodMillis / (1 + TURNS_SLOWER_BY);
    }

    /** The turns, for a test on its own clock. */
    Bucket turns() {
        return turns;
    }

    /**
     * Waits for this request's turn. Each caller is given the next free turn at once (first come, first served) and
     * sleeps until it comes; with many waiting, the turns are a fixed schedule. Returns when the turn was due
     * ({@link System#nanoTime()}): a thread woken late by a busy machine knows by how much
     * ({@link MessageSender#departs}).
     */
    public long awaitTurn() throws InterruptedException {
        long[] due = DUE.get();
        due[0] = clock.currentTimeNanos();
        turns.asBlocking().consume(1);
        return due[0];
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getPropertiesComponent().addInitialProperty("send-pace.requests", String.valueOf(requests));
        camel.getPropertiesComponent().addInitialProperty("send-pace.period-millis", String.valueOf(periodMillis));
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing to do
    }
}
