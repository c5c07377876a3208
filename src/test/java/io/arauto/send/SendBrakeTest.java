package io.arauto.send;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.arauto.config.ArautoProperties;
import io.arauto.support.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The brake's rules on a clock the test moves: holds, halts with one probe per interval, and paused campaigns. */
class SendBrakeTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");

    private final SettableClock clock = new SettableClock(START);
    private final SendBrake brake = new SendBrake(properties(), clock);

    private static ArautoProperties properties() {
        ArautoProperties properties = new ArautoProperties();
        properties.getSend().setHaltProbeEvery(Duration.ofMinutes(1));
        properties.getSend().setRetryBackoff(Duration.ofSeconds(5));
        properties.getSend().setRetryBackoffMax(Duration.ofMinutes(5));
        return properties;
    }

    @Test
    void aRateLimitHoldsEveryoneForItsRetryAfterOrAGrowingBackoff() {
        assertThat(brake.throttled(Duration.ofSeconds(2), "130429")).isEqualTo(START.plusSeconds(2));
        assertThat(brake.mayTakeBatch()).isFalse();
        assertThat(brake.mayClaim(1)).isFalse();
        brake.holdAllUntil(START.plusSeconds(1), "an earlier end does not shorten it");
        clock.advance(Duration.ofMillis(1999));
        assertThat(brake.mayClaim(1)).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(brake.mayTakeBatch()).isTrue();
        assertThat(brake.mayClaim(1)).isTrue();
        brake.answered(true);

        // without Retry-After: 5 s (less jitter), then up to 10 s while Meta keeps asking
        Duration first = Duration.between(clock.instant(), brake.throttled(null, "4"));
        assertThat(first).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        Duration second = Duration.between(clock.instant(), brake.throttled(null, "4"));
        assertThat(second).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        brake.answered(true); // Meta took one: the run is over
        clock.advance(Duration.ofSeconds(10));
        assertThat(Duration.between(clock.instant(), brake.throttled(null, "4"))).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aHaltLetsOneProbeThroughPerIntervalAndEndsOnceMetaAnswersNormally() {
        brake.halt("Meta answered 190");
        assertThat(brake.halt().reason()).isEqualTo("Meta answered 190");
        assertThat(brake.mayTakeBatch()).isFalse();
        assertThat(brake.mayClaim(1)).isFalse();

        clock.advance(Duration.ofMinutes(1));
        assertThat(brake.mayTakeBatch()).isTrue();
        assertThat(brake.mayClaim(1)).as("the probe").isTrue();
        assertThat(brake.mayClaim(1)).as("only one").isFalse();
        assertThat(brake.mayTakeBatch()).isFalse();

        brake.halt("Meta answered 190"); // the probe got the same answer
        clock.advance(Duration.ofSeconds(59));
        assertThat(brake.mayClaim(2)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(brake.mayClaim(2)).as("the next probe").isTrue();
        assertThat(brake.halt().since()).as("halted since the first answer").isEqualTo(START);

        brake.answered(false); // refused for a reason of its own: the account works
        assertThat(brake.halt()).isNull();
        assertThat(brake.mayClaim(1)).isTrue();
        assertThat(brake.mayClaim(1)).isTrue();
    }

    @Test
    void aCampaignPausedDuringABatchIsNotClaimedUntilTheNextBatch() {
        brake.campaignPaused(7);
        assertThat(brake.mayClaim(7)).isFalse();
        assertThat(brake.mayClaim(8)).isTrue();
        brake.newBatch(); // the ledger leaves it out from now on, and lets it back once resumed
        assertThat(brake.mayClaim(7)).isTrue();
    }
}
