package io.arauto.send;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Arauto does with each answer of Meta's Cloud API that is not a success: Meta's error code
 * decides, the HTTP status only where the answer carries no code. The README's table "Meta's error
 * codes" is this class in words (titles as Meta's error-code reference names them).
 */
public final class MetaErrors {

    /** What becomes of the message that got the answer, and of the sending around it. */
    public enum Action {
        /** Meta's rate limits: every sender waits (Retry-After, or a growing back-off); the message waits too, not counted as an attempt. */
        THROTTLE_ALL,
        /** Too many messages to this one number: only this message waits (at least 6 s); not counted as an attempt. */
        DELAY_RECIPIENT,
        /** A passing fault: tried again after an exponential back-off with jitter, up to arauto.send.max-attempts, then FAILED. */
        RETRY,
        /** FAILED for good, with Meta's code, title and details. */
        FAIL,
        /** FAILED, saying Meta may take a message to this number again after 24 hours. */
        FAIL_FOR_A_DAY,
        /** The recipient stopped marketing messages: OPTED_OUT, and the number goes on Arauto's opt-out list. */
        OPT_OUT,
        /** The campaign's template is refused: the campaign is paused, its rows stay QUEUED. */
        PAUSE_CAMPAIGN,
        /** The account or token is refused: all sending halts, rows stay QUEUED, health DOWN until a probe goes through. */
        HALT_ALL
    }

    /** One documented code. */
    public record Code(String code, String title, Action action) { }

    /** Meta documents 131056's limit as one message to the same number every 6 seconds. */
    public static final java.time.Duration PAIR_RATE_WAIT = java.time.Duration.ofSeconds(6);

    private static final Map<String, Code> CODES = new LinkedHashMap<>();

    static {
        code("130429", "Rate limit hit", Action.THROTTLE_ALL);
        code("4", "API Too Many Calls", Action.THROTTLE_ALL);
        code("80007", "Rate limit issues", Action.THROTTLE_ALL);
        code("131056", "Pair rate limit hit", Action.DELAY_RECIPIENT);
        code("1", "API Unknown", Action.RETRY);
        code("2", "API Service", Action.RETRY);
        code("131000", "Something went wrong", Action.RETRY);
        code("131016", "Service unavailable", Action.RETRY);
        code("131057", "Account in maintenance mode", Action.RETRY);
        code("133004", "Server temporarily unavailable", Action.RETRY);
        code("131026", "Message undeliverable", Action.FAIL);
        code("131049", "Not delivered to maintain healthy ecosystem engagement", Action.FAIL_FOR_A_DAY);
        code("131050", "User stopped marketing messages", Action.OPT_OUT);
        code("131047", "Re-engagement message", Action.FAIL);
        code("131048", "Spam rate limit hit", Action.FAIL);
        code("131051", "Unsupported message type", Action.FAIL);
        code("131052", "Media download error", Action.FAIL);
        code("131053", "Media upload error", Action.FAIL);
        code("132000", "Template parameter count mismatch", Action.PAUSE_CAMPAIGN);
        code("132001", "Template does not exist", Action.PAUSE_CAMPAIGN);
        code("132012", "Template parameter format mismatch", Action.PAUSE_CAMPAIGN);
        code("132015", "Template is paused", Action.PAUSE_CAMPAIGN);
        code("132016", "Template is disabled", Action.PAUSE_CAMPAIGN);
        code("190", "Access token has expired", Action.HALT_ALL);
        code("0", "AuthException", Action.HALT_ALL);
        code("10", "Permission denied", Action.HALT_ALL);
        code("368", "Temporarily blocked for policies violations", Action.HALT_ALL);
        code("131031", "Account has been locked", Action.HALT_ALL);
        code("131042", "Business eligibility payment issue", Action.HALT_ALL);
    }

    private MetaErrors() {
    }

    private static void code(String code, String title, Action action) {
        CODES.put(code, new Code(code, title, action));
    }

    /** Every code with a rule of its own, in the README's order. */
    public static Map<String, Code> codes() {
        return java.util.Collections.unmodifiableMap(CODES);
    }

    /**
     * The action for Meta's {@code code} (null or blank when the answer had none) in an answer with
     * HTTP {@code status}. An unlisted code fails the message, unless the status says to slow down
     * (429) or that Meta's side failed (5xx); an answer without a code goes by its status alone.
     */
    public static Action actionFor(String code, int status) {
        Code known = code == null ? null : CODES.get(code);
        if (known != null) {
            return known.action();
        }
        if (status == 429) {
            return Action.THROTTLE_ALL;
        }
        if (status >= 500) {
            return Action.RETRY;
        }
        if (status == 401 && (code == null || code.isBlank())) {
            return Action.HALT_ALL; // no Meta body, but the token was refused all the same
        }
        return Action.FAIL;
    }

    /** Meta's title for a listed code, or null. */
    public static String title(String code) {
        Code known = code == null ? null : CODES.get(code);
        return known == null ? null : known.title();
    }
}
