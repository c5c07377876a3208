package io.arauto.send;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.QueuedMessage;
import io.arauto.template.TemplateMessage;

/**
 * The real {@code routes/send-cloud-api.camel.yaml} on a plain CamelContext, with camel-http set
 * up as Arauto sets it up: what a claimed message's request becomes, over real HTTP.
 */
final class CloudApiRoute implements AutoCloseable {

    private final CamelContext camel = new DefaultCamelContext();
    private final ProducerTemplate producer;

    CloudApiRoute(ArautoProperties properties) throws Exception {
        ArautoProperties.CloudApi api = properties.getProvider().getCloudApi();
        Properties placeholders = new Properties();
        placeholders.put("arauto.provider.cloud-api.base-url", api.getBaseUrl());
        placeholders.put("arauto.provider.cloud-api.api-version", api.getApiVersion());
        placeholders.put("arauto.provider.cloud-api.phone-number-id", api.getPhoneNumberId());
        camel.getPropertiesComponent().setInitialProperties(placeholders);
        camel.getRegistry().bind("cloudApi", new CloudApiProvider(properties));
        HttpComponent http = new HttpComponent();
        CloudApiHttp.configure(http, properties);
        camel.addComponent("http", http);
        camel.addRoutes(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("inner-route").errorHandler(noErrorHandler());
            }
        });
        // as CloudApiHttp does it in the application, and with a test that fails if this is left out
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.fromString("send-cloud-api.camel.yaml",
                        java.nio.file.Files.readString(Path.of("routes/send-cloud-api.camel.yaml"))));
        camel.start();
        producer = camel.createProducerTemplate();
    }

    SendOutcome send(TemplateMessage message) {
        return sendWithHeaders(message, java.util.Map.of());
    }

    /** As the send route calls it: the split's exchange carries the timer's and Arauto's headers. */
    SendOutcome sendWithHeaders(TemplateMessage message, java.util.Map<String, Object> headers) {
        Claimed claimed = new Claimed(new QueuedMessage(7, 3, message.to(), 0, List.of()), null, message, false);
        return producer.requestBodyAndHeaders("direct:send-cloud-api", claimed, headers, SendOutcome.class);
    }

    @Override
    public void close() {
        camel.stop();
    }
}
