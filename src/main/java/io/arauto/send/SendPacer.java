package io.arauto.send;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/** Holds sending to {@code arauto.send.rate} messages per second, shared by all sender threads. */
@Component
public class SendPacer {

    private final Bucket bucket;

    public SendPacer(ArautoProperties properties) {
        double rate = properties.getSend().getRate();
        if (!(rate > 0)) {
            throw new IllegalStateException("arauto.send.rate must be more than 0 messages per second, not " + rate);
        }
        // a small bucket: bursts stay within a tenth of a second's worth, so no second ever sees more than the rate
        Bandwidth limit = rate >= 1
                ? Bandwidth.builder().capacity(Math.max(1, (long) Math.ceil(rate / 10))).refillGreedy((long) rate, Duration.ofSeconds(1)).build()
                : Bandwidth.builder().capacity(1).refillGreedy(1, Duration.ofMillis((long) (1000 / rate))).build();
        this.bucket = Bucket.builder().addLimit(limit).build();
    }

    /** Waits for the next slot. */
    public void acquire() throws InterruptedException {
        bucket.asBlocking().consume(1);
    }
}
