package io.arauto.send;

import io.arauto.template.TemplateMessage;

/** Sends one template message to WhatsApp (or a stand-in for it). Never throws for a provider's answer. */
public interface MessageProvider {

    SendOutcome send(TemplateMessage message);
}
