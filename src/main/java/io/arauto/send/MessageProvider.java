package io.arauto.send;

import io.arauto.template.TemplateMessage;

/** Sends one template message to WhatsApp (or a stand-in for it). Never throws for a provider's answer. */
public interface MessageProvider {

    /**
     * @param callbackData the ledger's key of the message, handed back by the provider with its
     *                     statuses (Meta's {@code biz_opaque_callback_data})
     */
    SendOutcome send(TemplateMessage message, String callbackData);
}
