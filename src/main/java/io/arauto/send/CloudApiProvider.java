package io.arauto.send;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.arauto.config.ArautoProperties;
import io.arauto.support.PhoneMask;

/**
 * What the {@code send-cloud-api} route needs to talk to Meta's WhatsApp Cloud API: the request's
 * body and token, and the meaning of the answer (or of the failure when none came). The request
 * itself goes through camel-http (routes/send-cloud-api.camel.yaml). Thread-safe, no mutable state.
 */
@Component("cloudApi")
public class CloudApiProvider {

    private static final Logger log = LoggerFactory.getLogger(CloudApiProvider.class);
    private static final String PREFIX = "arauto.provider.cloud-api.";

    private final String authorization;
    private final Duration readTimeout;
    private final CloudApiRequests requests;
    private final CloudApiResponses responses;

    public CloudApiProvider(ArautoProperties properties) {
        ArautoProperties.CloudApi config = properties.getProvider().getCloudApi();
        boolean active = "cloud-api".equals(properties.getProvider().getType());
        if (active) {
            require("phone-number-id", config.getPhoneNumberId());
            require("access-token", config.getAccessToken());
            if (config.getBaseUrl().endsWith("/")) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "base-url", config.getBaseUrl(),
                        "write it without the trailing slash, e.g. https://graph.facebook.com");
            }
        }
        this.authorization = "Bearer " + (config.getAccessToken() == null ? "" : config.getAccessToken().trim());
        this.readTimeout = config.getReadTimeout();
        ObjectMapper mapper = new ObjectMapper();
        this.requests = new CloudApiRequests(mapper);
        this.responses = new CloudApiResponses(mapper, Clock.systemUTC());
        if (active) {
            log.info("Cloud API provider ready: POST {}/{}/{}/messages", config.getBaseUrl(), config.getApiVersion(),
                    config.getPhoneNumberId().trim());
        }
    }

    /** The Authorization header's value. */
    public String authorization() {
        return authorization;
    }

    /** The JSON body of {@code POST /{phone-number-id}/messages} for a claimed message. */
    public String body(Claimed claimed) {
        // JsonNode.toString() is Jackson serialising the tree (valid JSON since 2.10)
        return requests.templateMessage(claimed.request(), claimed.key()).toString();
    }

    /** What an answer means; {@code retryAfter} is the Retry-After header, or null. */
    public SendOutcome outcome(Claimed claimed, int status, String retryAfter, String body) {
        SendOutcome outcome = responses.outcome(status, retryAfter, body);
        if (log.isDebugEnabled()) {
            log.debug("Cloud API template={} to={} -> {}", claimed.request().template(), PhoneMask.mask(claimed.request().to()), outcome);
        }
        return outcome;
    }

    /**
     * What a failure without an answer means: {@link SendOutcome.NotSent} when the request
     * certainly did not leave (no connection was made), else {@link SendOutcome.Unknown}.
     */
    public SendOutcome failure(Claimed claimed, Exception e) {
        SendOutcome outcome = failure(e);
        if (log.isDebugEnabled()) {
            log.debug("Cloud API template={} to={} -> {}", claimed.request().template(), PhoneMask.mask(claimed.request().to()), outcome);
        }
        return outcome;
    }

    private SendOutcome failure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) { // any sign that no connection was made
            if (t instanceof ConnectTimeoutException) {
                return new SendOutcome.NotSent("no connection within the connect timeout");
            }
            if (t instanceof UnknownHostException) {
                return new SendOutcome.NotSent("unknown host");
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) { // refused: nothing was written
                return new SendOutcome.NotSent("the connection was refused");
            }
            if (t instanceof DeadlineTimeoutException) { // no free connection in the pool: nothing was written
                return new SendOutcome.NotSent("no free connection to the provider");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) { // the request may have left: Meta may have taken it
            if (t instanceof SocketTimeoutException) {
                return new SendOutcome.Unknown("no answer within " + readTimeout.toSeconds() + " s");
            }
            if (t instanceof NoHttpResponseException) {
                return new SendOutcome.Unknown("the provider closed the connection without answering");
            }
            if (t instanceof SocketException) {
                return new SendOutcome.Unknown("the connection broke after the request was sent");
            }
            if (t instanceof InterruptedIOException) {
                return new SendOutcome.Unknown("interrupted while waiting for the answer");
            }
        }
        if (e instanceof IOException) {
            return new SendOutcome.Unknown("the connection failed after the request was sent");
        }
        log.error("Unexpected failure while sending through the Cloud API; the message may have left", e);
        return new SendOutcome.Unknown("an unexpected failure while sending");
    }

    private static void require(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + key, value,
                    "it is required when arauto.provider.type=cloud-api");
        }
    }

    @Override
    public String toString() { // the token never reaches a log line
        return "CloudApiProvider";
    }
}
