package io.arauto.send;

import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.arauto.config.ArautoProperties;

/**
 * The camel-http component that carries the Cloud API requests: Arauto's timeouts, one pooled
 * connection per sender thread, and never a request sent again by the HTTP client on its own
 * (WhatsApp has no idempotency key: the ledger alone decides whether a message is sent again).
 */
@Configuration(proxyBeanMethods = false)
public class CloudApiHttp {

    /** Before the routes (and so the endpoints, each with its HTTP client) are made. */
    @Bean
    public CamelContextConfiguration cloudApiHttpComponent(ArautoProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                configure(camel.getComponent("http", HttpComponent.class), properties);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing to do
            }
        };
    }

    /** Also used by tests that run the send-cloud-api route on a plain CamelContext. */
    public static void configure(HttpComponent http, ArautoProperties properties) {
        ArautoProperties.CloudApi api = properties.getProvider().getCloudApi();
        int connections = properties.getSend().getConcurrency();
        http.setAutomaticRetriesDisabled(true);
        http.setFollowRedirects(false);
        http.setMaxTotalConnections(connections);
        http.setConnectionsPerRoute(connections);
        http.setConnectTimeout(api.getConnectTimeout().toMillis());
        http.setConnectionRequestTimeout(api.getConnectTimeout().toMillis());
        http.setResponseTimeout(api.getReadTimeout().toMillis());
        http.setSoTimeout(api.getReadTimeout().toMillis());
    }
}
