package io.arauto.send;

import java.time.Duration;

/** What a provider made of one message. */
public sealed interface SendOutcome {

    /** The provider took the message; {@code messageId} is the wamid. */
    record Accepted(String messageId) implements SendOutcome { }

    /**
     * The provider answered with an error: Meta's {@code code} (or {@code HTTP <status>} when the
     * answer had none), its {@code title} (Meta's message, without the "(#code)" prefix) and
     * {@code details} (Meta's error_data.details, or empty), what Arauto does about it
     * ({@link MetaErrors.Action}), and the Retry-After the answer asked for, or null.
     */
    record Rejected(String code, String title, String details, MetaErrors.Action action, Duration retryAfter) implements SendOutcome {

        /** "title: details", or whichever of the two there is. */
        public String describe() {
            if (details == null || details.isBlank()) {
                return title == null ? "" : title;
            }
            return title == null || title.isBlank() ? details : title + ": " + details;
        }
    }

    /** The request may have left but no answer came (timeout, connection reset): the outcome is unknown. */
    record Unknown(String detail) implements SendOutcome { }

    /** The request never left (connection refused, DNS, a request that could not be built): safe to try again. */
    record NotSent(String detail) implements SendOutcome { }
}
