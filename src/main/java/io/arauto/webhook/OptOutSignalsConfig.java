package io.arauto.webhook;

import java.time.Instant;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * PLACEHOLDER until the opt-out loop (issue 10, points 5 and 6) is merged: with no other
 * {@link OptOutSignals} bean, the webhooks' opt-out signals go nowhere. The opt-out service's
 * adapter, declared as a bean, replaces this one.
 */
@Configuration(proxyBeanMethods = false)
public class OptOutSignalsConfig {

    @Bean
    @ConditionalOnMissingBean(OptOutSignals.class)
    public OptOutSignals noOptOutSignals() {
        return new OptOutSignals() {
            @Override
            public void reply(String e164, String text, String buttonPayload, Instant at) {
                // PLACEHOLDER: keywords are not read yet
            }

            @Override
            public void marketingStop(String e164, String source, Instant at) {
                // PLACEHOLDER: not recorded yet
            }

            @Override
            public void marketingResume(String e164, String source, Instant at) {
                // PLACEHOLDER: not recorded yet
            }
        };
    }
}
