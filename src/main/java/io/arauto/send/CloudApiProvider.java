package io.arauto.send;

import io.arauto.support.PhoneMask;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.arauto.config.ArautoProperties;
import io.arauto.template.TemplateMessage;

/**
 * Sends template messages through Meta's WhatsApp Cloud API. Thread-safe: one shared HTTP client,
 * no mutable state.
 */
@Component
@ConditionalOnProperty(prefix = "arauto.provider", name = "type", havingValue = "cloud-api")
public class CloudApiProvider implements MessageProvider {

    private static final Logger log = LoggerFactory.getLogger(CloudApiProvider.class);
    private static final String PREFIX = "arauto.provider.cloud-api.";

    private final URI endpoint;
    private final String authorization;
    private final Duration readTimeout;
    private final HttpClient http;
    private final CloudApiRequests requests;
    private final CloudApiResponses responses;

    public CloudApiProvider(ArautoProperties properties) {
        ArautoProperties.CloudApi config = properties.getProvider().getCloudApi();
        require("phone-number-id", config.getPhoneNumberId());
        require("access-token", config.getAccessToken());
        String baseUrl = config.getBaseUrl().replaceAll("/+$", "");
        this.endpoint = URI.create(baseUrl + "/" + config.getApiVersion() + "/" + config.getPhoneNumberId().trim() + "/messages");
        this.authorization = "Bearer " + config.getAccessToken().trim();
        this.readTimeout = config.getReadTimeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.getConnectTimeout())
                .version(HttpClient.Version.HTTP_1_1) // one request per connection: a failure belongs to one message
                .build();
        ObjectMapper mapper = new ObjectMapper();
        this.requests = new CloudApiRequests(mapper);
        this.responses = new CloudApiResponses(mapper, Clock.systemUTC());
        log.info("Cloud API provider ready: POST {}", endpoint);
    }

    /** Without callback data (tests, tools). */
    public SendOutcome send(TemplateMessage message) {
        return send(message, null);
    }

    @Override
    public SendOutcome send(TemplateMessage message, String callbackData) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(endpoint)
                    .timeout(readTimeout)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    // JsonNode.toString() is Jackson serialising the tree (valid JSON since 2.10)
                    .POST(HttpRequest.BodyPublishers.ofString(requests.templateMessage(message, callbackData).toString()))
                    .build();
        } catch (IllegalArgumentException unbuildable) { // nothing left: safe to try again, and FAILED after the last attempt
            return new SendOutcome.NotSent("the request could not be built: " + unbuildable.getMessage());
        }
        long start = System.nanoTime();
        SendOutcome outcome = exchange(request);
        if (log.isDebugEnabled()) {
            log.debug("Cloud API template={} to={} -> {} in {} ms", message.template(), PhoneMask.mask(message.to()),
                    outcome, Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
        return outcome;
    }

    private SendOutcome exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return responses.outcome(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), response.body());
        } catch (HttpConnectTimeoutException e) {
            return new SendOutcome.NotSent("connect timeout");
        } catch (HttpTimeoutException e) { // the request left; Meta may have taken it
            return new SendOutcome.Unknown("no answer within " + readTimeout);
        } catch (ConnectException e) { // refused or unresolved host: nothing was written
            return new SendOutcome.NotSent((unresolved(e) ? "unknown host " : "cannot connect to ") + endpoint.getAuthority());
        } catch (IOException e) {
            return new SendOutcome.Unknown("connection failed after the request was sent: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.Unknown("interrupted while waiting for the answer");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static void require(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + key, value,
                    "it is required when arauto.provider.type=cloud-api");
        }
    }

    @Override
    public String toString() { // the token never reaches a log line
        return "CloudApiProvider[POST " + endpoint + "]";
    }
}
