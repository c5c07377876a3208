package io.arauto.send;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;

/**
 * How the send route's throttle holds {@code arauto.send.rate}: {@code requests} per
 * {@code periodMillis}, a rolling window (Camel's throttle gives a permit back exactly one period
 * after it was taken). Small steps (about a tenth of a second each) instead of one burst a second,
 * so requests leave evenly, and 2 % of slack, so that when a few are held up on their way for up to
 * 20 ms (a busy machine, a collection) no rolling second at the provider sees more than the rate.
 * Given to the route as the properties {@code send-pace.requests} and {@code send-pace.period-millis}.
 */
@Component
public class SendPace implements CamelContextConfiguration {

    /** Ten steps of the rate take this long: 2 % more than the second they share. */
    static final int TEN_STEPS_MILLIS = 1_020;

    private final int requests;
    private final long periodMillis;

    public SendPace(ArautoProperties properties) {
        int rate = properties.getSend().getRate();
        // the steps (k requests per p ms) that keep the most of the rate while no rolling second holds more than it,
        // each step at most about a tenth of a second's worth and at least 2 % slower than its share
        int bestK = 1;
        long bestP = (long) Math.ceil((double) TEN_STEPS_MILLIS / rate);
        for (int k = 1; k <= Math.max(1, rate / 10); k++) {
            long p = (long) Math.ceil((double) TEN_STEPS_MILLIS * k / rate);
            while (k * (long) Math.ceil(1000.0 / p) > rate) {
                p++;
            }
            if ((double) k / p > (double) bestK / bestP + 1e-12) {
                bestK = k;
                bestP = p;
            }
        }
        this.requests = bestK;
        this.periodMillis = bestP;
    }

    public int requests() {
        return requests;
    }

    public long periodMillis() {
        return periodMillis;
    }

    /** The most requests that can leave in any rolling second: never more than the rate. */
    public long mostInASecond() {
        return requests * (long) Math.ceil(1000.0 / periodMillis);
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
