package io.arauto.send;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.arauto.template.TemplateMessage;
import io.arauto.template.TemplateMessage.MediaHeader;
import io.arauto.template.TemplateMessage.TextParameter;
import io.arauto.template.TemplateMessage.UrlButton;

/** Builds the Cloud API's template message JSON for one {@link TemplateMessage}. Thread-safe. */
public final class CloudApiRequests {

    private static final Set<String> MEDIA_TYPES = Set.of("image", "video", "document");

    private final ObjectMapper mapper;

    public CloudApiRequests(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The request body for {@code POST /{phone-number-id}/messages}.
     *
     * @throws IllegalArgumentException when the header type is not image, video or document
     */
    public ObjectNode templateMessage(TemplateMessage message) {
        return templateMessage(message, null);
    }

    /**
     * As {@link #templateMessage(TemplateMessage)}, with {@code callbackData} (the ledger's key of the
     * message) as {@code biz_opaque_callback_data}: Meta hands it back in the message's status
     * webhooks, so a status finds its row even without the wamid. Nothing is added when null.
     */
    public ObjectNode templateMessage(TemplateMessage message, String callbackData) {
        ObjectNode root = mapper.createObjectNode()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual")
                .put("to", withoutPlus(message.to()))
                .put("type", "template");
        ObjectNode template = root.putObject("template").put("name", message.template());
        template.putObject("language").put("code", message.language());

        ArrayNode components = mapper.createArrayNode();
        if (message.header() != null) {
            components.add(header(message.header()));
        }
        if (message.body() != null && !message.body().isEmpty()) {
            components.add(body(message.body()));
        }
        for (UrlButton button : message.buttons() == null ? List.<UrlButton>of() : message.buttons()) {
            components.add(urlButton(button));
        }
        if (!components.isEmpty()) { // a template without variables takes no components at all
            template.set("components", components);
        }
        if (callbackData != null) {
            root.put("biz_opaque_callback_data", callbackData);
        }
        return root;
    }

    private ObjectNode header(MediaHeader header) {
        String type = header.type() == null ? "" : header.type().toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPES.contains(type)) {
            throw new IllegalArgumentException("Header type '" + header.type() + "' is not one of " + MEDIA_TYPES);
        }
        ObjectNode component = mapper.createObjectNode().put("type", "header");
        ObjectNode parameter = component.putArray("parameters").addObject().put("type", type);
        parameter.putObject(type).put("link", header.link());
        return component;
    }

    private ObjectNode body(List<TextParameter> parameters) {
        ObjectNode component = mapper.createObjectNode().put("type", "body");
        ArrayNode array = component.putArray("parameters");
        for (TextParameter parameter : parameters) {
            ObjectNode node = array.addObject().put("type", "text");
            if (parameter.name() != null) { // named-parameter templates ({{nome}}) need the name
                node.put("parameter_name", parameter.name());
            }
            node.put("text", parameter.text());
        }
        return component;
    }

    private ObjectNode urlButton(UrlButton button) {
        ObjectNode component = mapper.createObjectNode()
                .put("type", "button")
                .put("sub_type", "url")
                .put("index", String.valueOf(button.index())); // Meta documents the index as a string
        component.putArray("parameters").addObject().put("type", "text").put("text", button.text());
        return component;
    }

    private static String withoutPlus(String e164) {
        return e164 != null && e164.startsWith("+") ? e164.substring(1) : e164;
    }
}
