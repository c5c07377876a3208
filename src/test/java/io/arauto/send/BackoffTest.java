package io.arauto.send;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waits double from the first up to the longest, and the jitter takes off at most half of each. */
class BackoffTest {

    @Test
    void waitsDoubleFromTheFirstUpToTheLongest() {
        Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), () -> 0.999_999);
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(160));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.ceiling(400)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.after(2)).isBetween(Duration.ofMillis(9_990), Duration.ofSeconds(10));
    }

    @Test
    void jitterKeepsBetweenHalfAndAllOfTheWait() {
        assertThat(new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), () -> 0).after(3)).isEqualTo(Duration.ofSeconds(10));
        Backoff random = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));
        for (int i = 0; i < 1_000; i++) {
            assertThat(random.after(3)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
        }
    }

    @Test
    void aLongestWaitShorterThanTheFirstIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("arauto.send.retry-backoff");
    }
}
