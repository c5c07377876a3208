package io.arauto.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.arauto.send.MetaErrors.Action;

/** Meta's answers, as its error-code reference shows them, read into outcomes and actions. */
class CloudApiResponsesTest {

    private final CloudApiResponses responses = new CloudApiResponses(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-02T12:00:00Z"), ZoneOffset.UTC));

    /** Every code the README's table names, with the HTTP status Meta answers it with, and the action it must get. */
    static final Map<Integer, Object[]> CODES = new LinkedHashMap<>();

    static {
        CODES.put(130429, new Object[] {429, "Rate limit hit", "Cloud API message throughput has been reached.", Action.THROTTLE_ALL});
        CODES.put(4, new Object[] {400, "Application request limit reached", "", Action.THROTTLE_ALL});
        CODES.put(80007, new Object[] {400, "Rate limit issues", "", Action.THROTTLE_ALL});
        CODES.put(131056, new Object[] {400, "(Business Account, Consumer Account) pair rate limit hit",
                "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
                Action.DELAY_RECIPIENT});
        CODES.put(1, new Object[] {500, "An unknown error occurred", "", Action.RETRY});
        CODES.put(2, new Object[] {503, "Service temporarily unavailable", "", Action.RETRY});
        CODES.put(131000, new Object[] {500, "Something went wrong", "Message failed to send due to an unknown error.", Action.RETRY});
        CODES.put(131016, new Object[] {503, "Service unavailable", "A service is temporarily unavailable.", Action.RETRY});
        CODES.put(131026, new Object[] {400, "Message Undeliverable", "Unable to deliver message.", Action.FAIL});
        CODES.put(131049, new Object[] {400, "This message was not delivered to maintain healthy ecosystem engagement.",
                "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.", Action.FAIL_FOR_A_DAY});
        CODES.put(131050, new Object[] {400, "Unable to deliver the message. This recipient has chosen to stop receiving marketing "
                + "messages on WhatsApp from your business", "", Action.OPT_OUT});
        CODES.put(131047, new Object[] {400, "Re-engagement message", "Message failed to send because more than 24 hours have passed "
                + "since the customer last replied to this number.", Action.FAIL});
        CODES.put(131048, new Object[] {400, "Spam rate limit hit", "Message failed to send because there are restrictions on how many "
                + "messages can be sent from this phone number.", Action.FAIL});
        CODES.put(131051, new Object[] {400, "Unsupported message type", "Message type is not currently supported.", Action.FAIL});
        CODES.put(131052, new Object[] {400, "Media download error", "Unable to download the media sent by the user.", Action.FAIL});
        CODES.put(131053, new Object[] {400, "Media upload error", "Unable to upload the media used in the message.", Action.FAIL});
        CODES.put(132000, new Object[] {400, "Number of parameters does not match the expected number of params",
                "body: number of localizable_params (1) does not match the expected number of params (3)", Action.PAUSE_CAMPAIGN});
        CODES.put(132001, new Object[] {404, "Template name does not exist in the translation",
                "template name (pedido_enviado) does not exist in pt_BR", Action.PAUSE_CAMPAIGN});
        CODES.put(132012, new Object[] {400, "Parameter format does not match format in the created template",
                "header: Format mismatch, expected IMAGE, received UNKNOWN", Action.PAUSE_CAMPAIGN});
        CODES.put(132015, new Object[] {400, "Template is Paused", "Template is paused due to low quality.", Action.PAUSE_CAMPAIGN});
        CODES.put(132016, new Object[] {400, "Template is Disabled", "Template has been paused too many times due to low quality.",
                Action.PAUSE_CAMPAIGN});
        CODES.put(190, new Object[] {401, "Error validating access token: Session has expired on Friday, 01-Aug-25 10:00:00 PDT.",
                "", Action.HALT_ALL});
        CODES.put(0, new Object[] {401, "AuthException", "", Action.HALT_ALL});
        CODES.put(10, new Object[] {403, "Application does not have permission for this action", "", Action.HALT_ALL});
        CODES.put(368, new Object[] {403, "Temporarily blocked for policies violations", "", Action.HALT_ALL});
        CODES.put(131031, new Object[] {403, "Business Account locked", "Business account has been locked.", Action.HALT_ALL});
        CODES.put(131042, new Object[] {400, "Business eligibility payment issue",
                "Message failed to send because there were one or more errors related to your payment method.", Action.HALT_ALL});
    }

    /** Meta's error body: message "(#code) title", error_data with the details, fbtrace_id. */
    static String body(int code, String title, String details) {
        String data = details.isEmpty() ? "" : ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + details + "\"}";
        return "{\"error\":{\"message\":\"(#" + code + ") " + title + "\",\"type\":\"OAuthException\",\"code\":" + code
                + data + ",\"fbtrace_id\":\"AbCdEf123\"}}";
    }

    @Test
    void everyCodeOfTheTableGetsItsActionWithMetasTitleAndDetails() {
        CODES.forEach((code, row) -> {
            SendOutcome outcome = responses.outcome((Integer) row[0], null, body(code, (String) row[1], (String) row[2]));
            assertThat(outcome).as("code %d", code)
                    .isEqualTo(new SendOutcome.Rejected(String.valueOf(code), (String) row[1], (String) row[2], (Action) row[3], null));
        });
        assertThat(MetaErrors.codes().keySet()).as("the table in MetaErrors and this test name the same codes")
                .containsAll(CODES.keySet().stream().map(String::valueOf).toList());
    }

    @Test
    void anUnlistedCodeFailsTheMessageUnlessTheStatusSaysToWaitOrRetry() {
        assertThat(responses.outcome(400, null, body(100, "Invalid parameter", "Parameter 'to' is invalid")))
                .isEqualTo(new SendOutcome.Rejected("100", "Invalid parameter", "Parameter 'to' is invalid", Action.FAIL, null));
        assertThat(((SendOutcome.Rejected) responses.outcome(500, null, body(99999, "Brand new", ""))).action()).isEqualTo(Action.RETRY);
        assertThat(((SendOutcome.Rejected) responses.outcome(429, "3", body(99999, "Brand new", ""))).action()).isEqualTo(Action.THROTTLE_ALL);
    }

    @Test
    void retryAfterAsHttpDateIsTheTimeLeftUntilThen() {
        assertThat(responses.retryAfter("Mon, 02 Jun 2025 12:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(responses.retryAfter("Mon, 02 Jun 2025 11:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(responses.retryAfter(" 7 ")).isEqualTo(Duration.ofSeconds(7));
        assertThat(responses.retryAfter("soon")).isNull();
        assertThat(responses.retryAfter(null)).isNull();
        assertThat(responses.outcome(429, "7", body(130429, "Rate limit hit", "")))
                .isEqualTo(new SendOutcome.Rejected("130429", "Rate limit hit", "", Action.THROTTLE_ALL, Duration.ofSeconds(7)));
    }

    @Test
    void aMessageWithoutTitleTakesTheDocumentedOne() {
        assertThat(responses.outcome(400, null, "{\"error\":{\"code\":131026,\"error_data\":{\"details\":\"Unable to deliver message.\"}}}"))
                .isEqualTo(new SendOutcome.Rejected("131026", "Message undeliverable", "Unable to deliver message.", Action.FAIL, null));
    }

    @Test
    void errorJsonWithoutAnErrorObjectOrEmptyBodyFallsBackToTheHttpStatus() {
        assertThat(responses.outcome(400, null, "{\"oops\":true}")).isEqualTo(new SendOutcome.Rejected("HTTP 400", "{\"oops\":true}", "", Action.FAIL, null));
        assertThat(responses.outcome(500, null, "")).isEqualTo(new SendOutcome.Rejected("HTTP 500", "", "", Action.RETRY, null));
        assertThat(responses.outcome(429, "2", "")).isEqualTo(new SendOutcome.Rejected("HTTP 429", "", "", Action.THROTTLE_ALL, Duration.ofSeconds(2)));
        assertThat(responses.outcome(401, null, "")).isEqualTo(new SendOutcome.Rejected("HTTP 401", "", "", Action.HALT_ALL, null));
    }

    @Test
    void okWithNonJsonBodyIsUnknown() {
        assertThat(responses.outcome(200, null, "<html>ok</html>")).isInstanceOf(SendOutcome.Unknown.class);
    }
}
