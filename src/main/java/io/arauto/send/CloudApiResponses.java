package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads one Cloud API answer (status, Retry-After header, body) as a {@link SendOutcome}. Thread-safe. */
public final class CloudApiResponses {

    /**
     * Meta error codes that mean "try again later", from
     * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
     */
    static final Set<String> RETRYABLE_CODES = Set.of(
            "2",       // API Service: temporary downtime or overload
            "4",       // the app reached its API call rate limit
            "80007",   // the WhatsApp Business Account reached its rate limit
            "130429",  // Cloud API message throughput reached
            "131000",  // unknown error, "Try again"
            "131016",  // a service is temporarily unavailable
            "131048",  // spam rate limit on the sending number
            "131056",  // too many messages to the same recipient in a short time
            "131057",  // business account in maintenance mode (e.g. throughput upgrade)
            "133004"); // server temporarily unavailable

    private static final int SNIPPET_LENGTH = 200;

    private final ObjectMapper mapper;
    private final Clock clock;

    public CloudApiResponses(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /** @param retryAfter the Retry-After header, or null */
    public SendOutcome outcome(int status, String retryAfter, String body) {
        JsonNode json = parse(body);
        if (status >= 200 && status < 300) {
            String id = json.path("messages").path(0).path("id").asText("");
            // without an id we cannot tell whether Meta took it; the body is not quoted as it echoes the phone
            return id.isBlank() ? new SendOutcome.Unknown("HTTP " + status + " without a message id") : new SendOutcome.Accepted(id);
        }
        boolean retryableStatus = status == 429 || status >= 500;
        Duration wait = retryAfter(retryAfter);
        JsonNode error = json.path("error");
        String code = error.path("code").asText("");
        if (!error.isObject() || code.isBlank()) {
            return new SendOutcome.Rejected("HTTP " + status, snippet(body), retryableStatus, wait);
        }
        return new SendOutcome.Rejected(code, message(error, body), retryableStatus || RETRYABLE_CODES.contains(code), wait);
    }

    /** Seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String message(JsonNode error, String body) {
        String message = error.path("message").asText("");
        String details = error.path("error_data").path("details").asText("");
        if (details.isBlank()) {
            return message.isBlank() ? snippet(body) : message;
        }
        return message.isBlank() ? details : message + " - " + details;
    }

    private JsonNode parse(String body) {
        try {
            return body == null ? mapper.missingNode() : mapper.readTree(body);
        } catch (JsonProcessingException notJson) {
            return mapper.missingNode();
        }
    }

    private static String snippet(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > SNIPPET_LENGTH ? body.substring(0, SNIPPET_LENGTH) : body;
    }
}
