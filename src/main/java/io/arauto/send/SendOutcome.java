package io.arauto.send;

import java.time.Duration;

/** What a provider made of one message. */
public sealed interface SendOutcome {

    /** The provider took the message; {@code messageId} is the wamid. */
    record Accepted(String messageId) implements SendOutcome { }

    /**
     * The provider answered with an error. {@code retryable} for HTTP 429, 5xx and Meta's
     * throttling/temporary codes; {@code retryAfter} from a Retry-After header, or null.
     */
    record Rejected(String code, String message, boolean retryable, Duration retryAfter) implements SendOutcome { }

    /** The request may have left but no answer came (timeout, connection reset): the outcome is unknown. */
    record Unknown(String detail) implements SendOutcome { }

    /** The request never left (connection refused, DNS): safe to try again. */
    record NotSent(String detail) implements SendOutcome { }
}
