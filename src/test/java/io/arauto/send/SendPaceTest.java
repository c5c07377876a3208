package io.arauto.send;

import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The throttle's steps never let more than the rate through in any rolling second, and keep at least 95 % of it (98 % at the usual rates; whole milliseconds cost a little at small odd rates). */
class SendPaceTest {

    @Test
    void everyRateFrom1To1000() {
        for (int rate = 1; rate <= 1_000; rate++) {
            SendPace pace = pace(rate);
            double achieved = 1000.0 * pace.requests() / pace.periodMillis();
            assertThat(pace.mostInASecond()).as("most in a second at rate %d (%d per %d ms)", rate, pace.requests(), pace.periodMillis())
                    .isLessThanOrEqualTo(rate);
            assertThat(achieved / rate).as("share of rate %d kept (%d per %d ms)", rate, pace.requests(), pace.periodMillis())
                    .isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void theUsualRatesGoInTenStepsAndKeep98PerCent() {
        for (int rate : new int[] {40, 80, 250, 1000}) {
            SendPace pace = pace(rate);
            assertThat(1000.0 * pace.requests() / pace.periodMillis() / rate).as("rate %d", rate).isGreaterThanOrEqualTo(0.98);
            assertThat(pace.requests()).as("a step at rate %d is at most a tenth of a second's worth", rate).isLessThanOrEqualTo(rate / 10);
        }
    }

    private static SendPace pace(int rate) {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setRate(rate);
        return new SendPace(properties);
    }
}
