package io.arauto.send;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one Cloud API answer (status, Retry-After header, body) as a {@link SendOutcome}; what to do
 * about an error comes from {@link MetaErrors}. Thread-safe.
 */
public final class CloudApiResponses {

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
        Duration wait = retryAfter(retryAfter);
        JsonNode error = json.path("error");
        String code = error.path("code").asText("");
        if (!error.isObject() || code.isBlank()) {
            return new SendOutcome.Rejected("HTTP " + status, snippet(body), "", MetaErrors.actionFor(null, status), wait);
        }
        return new SendOutcome.Rejected(code, title(code, error), error.path("error_data").path("details").asText(""),
                MetaErrors.actionFor(code, status), wait);
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

    /** Meta's message without its "(#131026) " prefix (the code has a column of its own); the documented title when there is none. */
    private static String title(String code, JsonNode error) {
        String message = error.path("message").asText("").strip();
        String prefix = "(#" + code + ")";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length()).strip();
        }
        if (message.isBlank()) {
            String documented = MetaErrors.title(code);
            return documented == null ? "no message" : documented;
        }
        return message;
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
