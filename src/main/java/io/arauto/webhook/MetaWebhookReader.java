package io.arauto.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import io.arauto.verdict.MessageStatus;
import io.arauto.webhook.WebhookContent.PreferenceChange;
import io.arauto.webhook.WebhookContent.Reply;

/**
 * Reads the WhatsApp Cloud API's webhook JSON ({@code object: whatsapp_business_account}, each
 * {@code entry[].changes[].value}): {@code statuses[]}, {@code messages[]} and
 * {@code user_preferences[]}. Phones come as Meta's digits ({@code 5511987654321}) and leave as
 * E.164 ({@code +5511987654321}). Anything else in the payload is left alone.
 */
@Component
public class MetaWebhookReader {

    private final ObjectMapper json;

    public MetaWebhookReader(ObjectMapper json) {
        this.json = json;
    }

    /** @throws IllegalArgumentException when the text is not JSON */
    public WebhookContent read(String payload) {
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON (" + e.getOriginalMessage() + ")");
        }
        List<StatusUpdate> statuses = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        List<PreferenceChange> preferences = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                value.path("statuses").forEach(s -> status(s, statuses));
                value.path("messages").forEach(m -> replies.add(reply(m)));
                value.path("user_preferences").forEach(p -> preferences.add(new PreferenceChange(e164(text(p, "wa_id")),
                        text(p, "category"), text(p, "value"), time(p.path("timestamp")))));
            }
        }
        return new WebhookContent(statuses, replies, preferences);
    }

    private static void status(JsonNode s, List<StatusUpdate> into) {
        MessageStatus status = switch (text(s, "status") == null ? "" : text(s, "status").toLowerCase(Locale.ROOT)) {
            case "sent" -> MessageStatus.SENT;
            case "delivered" -> MessageStatus.DELIVERED;
            case "read" -> MessageStatus.READ;
            case "failed" -> MessageStatus.FAILED;
            default -> null; // played, deleted, warning...: nothing Arauto follows
        };
        if (status == null) {
            return;
        }
        String code = null;
        String reason = null;
        JsonNode error = s.path("errors").path(0);
        if (status == MessageStatus.FAILED) {
            code = error.hasNonNull("code") ? error.get("code").asText() : null;
            reason = failure(code, text(error, "title"), text(error.path("error_data"), "details"));
        }
        into.add(new StatusUpdate(text(s, "id"), key(text(s, "biz_opaque_callback_data")), status, time(s.path("timestamp")),
                code, reason, e164(text(s, "recipient_id"))));
    }

    /** "Meta reported that it failed: 131026 (Message undeliverable: ...)." in plain words. */
    private static String failure(String code, String title, String details) {
        String said = title == null || title.isBlank() ? (details == null ? "" : details)
                : details == null || details.isBlank() || details.equals(title) ? title : title + ": " + details;
        return "Meta reported that the message failed" + (code == null ? "" : ": " + code) + (said.isBlank() ? "" : " (" + said + ")") + ".";
    }

    private static Reply reply(JsonNode m) {
        String type = text(m, "type");
        String text = null;
        String payload = null;
        if ("text".equals(type)) {
            text = text(m.path("text"), "body");
        } else if ("button".equals(type)) { // a template's quick-reply button
            text = text(m.path("button"), "text");
            payload = text(m.path("button"), "payload");
        } else if ("interactive".equals(type)) {
            JsonNode chosen = m.path("interactive").has("button_reply") ? m.path("interactive").path("button_reply")
                    : m.path("interactive").path("list_reply");
            text = text(chosen, "title");
            payload = text(chosen, "id");
        }
        return new Reply(e164(text(m, "from")), type, text, payload, text(m.path("context"), "id"), time(m.path("timestamp")));
    }

    private static Long key(String callbackData) {
        if (callbackData == null || callbackData.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(callbackData.trim());
        } catch (NumberFormatException e) {
            return null; // not one Arauto wrote
        }
    }

    private static Instant time(JsonNode epochSeconds) {
        if (epochSeconds.isMissingNode() || epochSeconds.isNull()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(epochSeconds.asText().trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String e164(String digits) {
        if (digits == null || digits.isBlank()) {
            return null;
        }
        return digits.startsWith("+") ? digits : "+" + digits;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}
