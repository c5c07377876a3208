package io.arauto.send;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.WebhookEvents;
import io.arauto.ledger.WebhookEvents.Due;

/**
 * The built-in stand-in for WhatsApp: takes every message and reports on it the way Meta's
 * webhook would, with the same JSON: delivered a moment later, then read; every
 * {@code reply-every}-th message also gets a reply from its recipient, and every
 * {@code fail-every}-th fails instead (Meta's 131026). The reports are stored in the ledger as
 * webhook events, due when the sandbox "sends" them, before the message counts as sent, so they
 * survive a restart and are applied by the same code as Meta's calls (route webhook-events).
 */
@Component
public class SandboxProvider {

    static final String FAILURE_CODE = "131026";
    static final String REPLY = "Obrigado!";

    private final WebhookEvents events;
    private final ObjectMapper json;
    private final ArautoProperties.Sandbox settings;
    private final Clock clock;
    private final AtomicLong taken = new AtomicLong();

    public SandboxProvider(WebhookEvents events, ObjectMapper json, ArautoProperties properties, Clock clock) {
        this.events = events;
        this.json = json;
        this.settings = properties.getProvider().getSandbox();
        this.clock = clock;
    }

    /** Takes the message: the route send-sandbox calls this where the Cloud API route makes its request. */
    public SendOutcome send(Claimed claimed) throws InterruptedException {
        String id = "wamid.SANDBOX." + UUID.randomUUID();
        String to = claimed.request().to().startsWith("+") ? claimed.request().to().substring(1) : claimed.request().to();
        long n = taken.incrementAndGet();
        Instant now = clock.instant();
        Instant delivered = now.plus(settings.getDeliveredAfter());
        Instant read = now.plus(settings.getReadAfter());
        List<Due> reports = new ArrayList<>();
        if (every(settings.getFailEvery(), n)) {
            reports.add(new Due(status(id, claimed.key(), to, "failed", delivered), delivered));
        } else {
            reports.add(new Due(status(id, claimed.key(), to, "delivered", delivered), delivered));
            reports.add(new Due(status(id, claimed.key(), to, "read", read), read));
            if (every(settings.getReplyEvery(), n)) {
                Instant replied = read.plus(settings.getReplyAfter());
                reports.add(new Due(reply(to, replied), replied));
            }
        }
        events.storeAll(WebhookEvents.SANDBOX, reports);
        return new SendOutcome.Accepted(id);
    }

    private static boolean every(int every, long n) {
        return every > 0 && n % every == 0;
    }

    /** Meta's status webhook for one message. */
    private String status(String id, String key, String to, String status, Instant at) {
        ObjectNode value = value();
        ObjectNode report = value.putArray("statuses").addObject()
                .put("id", id).put("status", status).put("timestamp", String.valueOf(at.getEpochSecond()))
                .put("recipient_id", to).put("biz_opaque_callback_data", key);
        if (status.equals("failed")) {
            report.putArray("errors").addObject().put("code", Integer.parseInt(FAILURE_CODE)).put("title", "Message undeliverable")
                    .put("message", "Message undeliverable")
                    .putObject("error_data").put("details", "The sandbox fails one message in " + settings.getFailEvery() + ", as a phone that cannot be reached would.");
        }
        return envelope(value);
    }

    /** Meta's webhook for a text message from the customer. */
    private String reply(String from, Instant at) {
        ObjectNode value = value();
        value.putArray("contacts").addObject().put("wa_id", from).putObject("profile").put("name", "Sandbox");
        value.putArray("messages").addObject().put("from", from).put("id", "wamid.SANDBOX." + UUID.randomUUID())
                .put("timestamp", String.valueOf(at.getEpochSecond())).put("type", "text")
                .putObject("text").put("body", REPLY);
        return envelope(value);
    }

    private ObjectNode value() {
        ObjectNode value = json.createObjectNode().put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15550000000").put("phone_number_id", "sandbox");
        return value;
    }

    private String envelope(ObjectNode value) {
        ObjectNode root = json.createObjectNode().put("object", "whatsapp_business_account");
        ObjectNode change = root.putArray("entry").addObject().put("id", "sandbox").putArray("changes").addObject();
        change.set("value", value);
        change.put("field", "messages");
        return root.toString();
    }
}
