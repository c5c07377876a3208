package io.arauto.send;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a Retry-After from the provider, attempts wait 5 s, doubling, never more than 5 minutes. */
class MessageSenderBackoffTest {

    @Test
    void waitsDoubleFromFiveSecondsUpToFiveMinutes() {
        assertThat(MessageSender.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(MessageSender.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(MessageSender.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(MessageSender.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(MessageSender.backoff(6)).isEqualTo(Duration.ofSeconds(160));
        assertThat(MessageSender.backoff(7)).isEqualTo(Duration.ofMinutes(5));
        assertThat(MessageSender.backoff(40)).isEqualTo(Duration.ofMinutes(5));
    }
}
