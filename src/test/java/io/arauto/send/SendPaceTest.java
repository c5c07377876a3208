package io.arauto.send;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The throttle's steps never let more than the rate through in any second and 5 ms and keep at least 95 % of it
 * (99.5 % at the usual rates; whole milliseconds cost a little at small odd rates); the even turns ahead of it come
 * 0.5 % slower, on a fixed schedule that a late caller does not push back.
 */
class SendPaceTest {

    @Test
    void everyRateFrom1To1000() {
        for (int rate = 1; rate <= 1_000; rate++) {
            SendPace pace = pace(rate);
            double achieved = 1000.0 * pace.requests() / pace.periodMillis();
            assertThat(pace.mostInASecond()).as("most in a second at rate %d (%d per %d ms)", rate, pace.requests(), pace.periodMillis())
                    .isLessThanOrEqualTo(rate);
            assertThat(pace.mostWithin(SendPace.STEPS_SPAN_MILLIS)).as("most within a second and 5 ms at rate %d (%d per %d ms)",
                    rate, pace.requests(), pace.periodMillis()).isLessThanOrEqualTo(rate);
            assertThat(achieved / rate).as("share of rate %d kept (%d per %d ms)", rate, pace.requests(), pace.periodMillis())
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(pace.turnsPerSecond()).as("turns at rate %d", rate).isLessThan(achieved).isGreaterThanOrEqualTo(achieved * 0.995 - 1e-9);
        }
    }

    /**
     * At the usual rates the steps keep 99.5 % of the rate and the turns 99 %: a step of requests that comes exactly
     * one period after the one before (requests catching up with their turns after a hold-up) leaves 5 ms in every
     * second for a request held up on its way.
     */
    @Test
    void theUsualRatesKeep99AndAHalfPerCentInStepsThatLeave5MillisecondsASecond() {
        for (int rate : new int[] {40, 50, 80, 250, 1000}) {
            SendPace pace = pace(rate);
            assertThat(1000.0 * pace.requests() / pace.periodMillis() / rate).as("rate %d: the rate in a second and 5 ms", rate)
                    .isCloseTo(1000.0 / SendPace.STEPS_SPAN_MILLIS, within(1e-9));
            assertThat(pace.turnsPerSecond() / rate).as("rate %d", rate).isGreaterThanOrEqualTo(0.99 - 1e-9);
            assertThat(pace.requests()).as("a step at rate %d is at most a fifth of a second's worth", rate).isLessThanOrEqualTo(rate / 5);
            assertThat(pace.mostWithin(1005)).as("rate %d within a second and 5 ms", rate).isLessThanOrEqualTo(rate);
        }
    }

    /**
     * A minute of turns on a simulated clock, each taken late by up to 90 % of the gap between two turns (a busy
     * machine): no turn is lost (a rolling-window permit given back one period after it was taken would have lost
     * all that lateness), and no rolling second holds more than the rate.
     */
    @Test
    void turnsTakenLateDoNotPushTheLaterOnesBackAndNoSecondHoldsMoreThanTheRate() throws InterruptedException {
        for (int rate : new int[] {50, 80, 1000}) {
            long[] now = {0};
            TimeMeter clock = clockAt(now);
            SendPace pace = pace(rate, clock);
            long gap = Math.round(1e9 / pace.turnsPerSecond());
            Random random = new Random(rate);
            List<Long> taken = new ArrayList<>();
            // a caller sleeps until its turn and wakes up late: the clock moves on by the sleep and the lateness
            // (its turn is the moment it would have woken up on time: the turns are the schedule, kept whatever the lateness)
            long[] turn = {0};
            BlockingStrategy wakesLate = nanos -> {
                turn[0] = now[0] + nanos;
                now[0] = turn[0] + (long) (random.nextDouble() * 0.9 * gap);
            };
            while (now[0] < 60_000_000_000L) {
                turn[0] = now[0]; // a turn that is there already is taken at once
                pace.turns().asBlocking().consume(1, wakesLate);
                taken.add(turn[0]);
            }
            assertThat(taken.size()).as("turns in a minute at rate %d, each taken late", rate)
                    .isGreaterThanOrEqualTo((int) (pace.turnsPerSecond() * 60) - 1);
            int most = 0;
            for (int first = 0, last = 0; last < taken.size(); last++) {
                while (taken.get(last) - taken.get(first) >= 1_000_000_000L) {
                    first++;
                }
                most = Math.max(most, last - first + 1);
            }
            // (a request that then leaves late is held by the throttle, which keeps the ceiling at the departures)
            assertThat(most).as("most turns in a rolling second at rate %d", rate).isLessThanOrEqualTo(rate);
        }
    }

    /**
     * A turn says when it was due, not when its caller got going again: the request's DEBUG line tells how late it
     * left, which the crash tests' pace check needs to tell a busy machine from a pace that lets too much through.
     */
    @Test
    void aTurnSaysWhenItWasDueWhateverTheMomentItsCallerWakesUp() throws InterruptedException {
        long start = 7_000_000_000L;
        long[] now = {start};
        TimeMeter clock = clockAt(now);
        SendPace pace = pace(100, clock); // one turn every 10.1 ms: steps of 20 requests per 201 ms, turns 0.5 % slower
        assertThat(pace.awaitTurn()).as("a turn that is there: due as asked for").isEqualTo(start);

        now[0] = start + 3_000_000; // 3 ms on: the next turn is 7.1 ms away, and the caller sleeps that long for real
        assertThat(pace.awaitTurn()).as("due when the wait was to end, not when asked for")
                .isCloseTo(start + 10_100_000, within(1_000L));
        assertThat(pace.awaitTurn()).as("the next, asked for at the same moment: one turn later")
                .isCloseTo(start + 20_200_000, within(1_000L));
        now[0] = start + 500_000_000; // long after: a turn waits in the bucket, due as asked for
        assertThat(pace.awaitTurn()).isEqualTo(now[0]);
    }

    /** A clock that reads {@code now[0]}, moved by the test. */
    private static TimeMeter clockAt(long[] now) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return now[0];
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    private static SendPace pace(int rate) {
        return pace(rate, TimeMeter.SYSTEM_NANOTIME);
    }

    private static SendPace pace(int rate, TimeMeter clock) {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setRate(rate);
        return new SendPace(properties, clock);
    }
}
