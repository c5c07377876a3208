package io.arauto.send;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a Retry-After from the provider, attempts wait 5 s, doubling, never more than 5 minutes. */
class OutcomeRecorderBackoffTest {

    @Test
    void waitsDoubleFromFiveSecondsUpToFiveMinutes() {
        assertThat(OutcomeRecorder.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(OutcomeRecorder.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(OutcomeRecorder.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(OutcomeRecorder.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(OutcomeRecorder.backoff(6)).isEqualTo(Duration.ofSeconds(160));
        assertThat(OutcomeRecorder.backoff(7)).isEqualTo(Duration.ofMinutes(5));
        assertThat(OutcomeRecorder.backoff(40)).isEqualTo(Duration.ofMinutes(5));
    }
}
