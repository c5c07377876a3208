package io.arauto.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class CloudApiResponsesTest {

    private final CloudApiResponses responses = new CloudApiResponses(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-02T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void retryAfterAsHttpDateIsTheTimeLeftUntilThen() {
        assertThat(responses.retryAfter("Mon, 02 Jun 2025 12:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(responses.retryAfter("Mon, 02 Jun 2025 11:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(responses.retryAfter(" 7 ")).isEqualTo(Duration.ofSeconds(7));
        assertThat(responses.retryAfter("soon")).isNull();
        assertThat(responses.retryAfter(null)).isNull();
    }

    @Test
    void everyDocumentedTemporaryCodeIsRetryableAndOthersAreNot() {
        for (String code : CloudApiResponses.RETRYABLE_CODES) {
            assertThat(responses.outcome(400, null, "{\"error\":{\"message\":\"m\",\"code\":" + code + "}}"))
                    .as(code).isEqualTo(new SendOutcome.Rejected(code, "m", true, null));
        }
        assertThat(responses.outcome(400, null, "{\"error\":{\"message\":\"(#132001) Template name does not exist\",\"code\":132001}}"))
                .isEqualTo(new SendOutcome.Rejected("132001", "(#132001) Template name does not exist", false, null));
    }

    @Test
    void detailsAloneStandInForAMissingMessage() {
        assertThat(responses.outcome(400, null, "{\"error\":{\"code\":100,\"error_data\":{\"details\":\"Invalid parameter\"}}}"))
                .isEqualTo(new SendOutcome.Rejected("100", "Invalid parameter", false, null));
    }

    @Test
    void errorJsonWithoutAnErrorObjectOrEmptyBodyFallsBackToTheHttpStatus() {
        assertThat(responses.outcome(401, null, "{\"oops\":true}")).isEqualTo(new SendOutcome.Rejected("HTTP 401", "{\"oops\":true}", false, null));
        assertThat(responses.outcome(500, null, "")).isEqualTo(new SendOutcome.Rejected("HTTP 500", "", true, null));
    }

    @Test
    void okWithNonJsonBodyIsUnknown() {
        assertThat(responses.outcome(200, null, "<html>ok</html>")).isInstanceOf(SendOutcome.Unknown.class);
    }
}
