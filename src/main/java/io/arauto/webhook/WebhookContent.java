package io.arauto.webhook;

import java.time.Instant;
import java.util.List;

/** What one webhook call (or one of the sandbox's reports) says: statuses of sent messages, customers' messages, preference changes. */
public record WebhookContent(List<StatusUpdate> statuses, List<Reply> replies, List<PreferenceChange> preferences) {

    /**
     * A message a customer sent: {@code type} as Meta names it ({@code text}, {@code button},
     * {@code interactive}...), its {@code text} (a button's label) and a button's {@code payload}
     * when it has them, and {@code answering} the wamid it answers when Meta says (a quick-reply button).
     */
    public record Reply(String from, String type, String text, String payload, String answering, Instant at) { }

    /** Meta's {@code user_preferences}: {@code value} is {@code stop} or {@code resume} for {@code category} ({@code marketing_messages}). */
    public record PreferenceChange(String phone, String category, String value, Instant at) { }

    public boolean isEmpty() {
        return statuses.isEmpty() && replies.isEmpty() && preferences.isEmpty();
    }
}
