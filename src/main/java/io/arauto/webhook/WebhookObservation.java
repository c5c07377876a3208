package io.arauto.webhook;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import io.micrometer.observation.ObservationPredicate;

/**
 * Meta's calls to {@code /webhooks/whatsapp} are not observed as HTTP requests (no {@code http.server.requests} timer
 * for them): at thousands of calls a second, one per status, the observation of each was a noticeable part of the
 * call's work, and what they do is counted where it lands (the ledger, the audit). Every other request is observed
 * as before.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookObservation {

    static final String PATH = "/webhooks/";

    @Bean
    ObservationPredicate webhookCallsUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith(PATH));
    }
}
