package io.arauto.send;

import io.arauto.ledger.MessageLedger;
import io.arauto.ledger.QueuedMessage;
import io.arauto.template.TemplateBinding;
import io.arauto.template.TemplateMessage;

/**
 * A message this Arauto has claimed (committed SENDING) and may now send: the ledger's row, the
 * template binding it was rendered with, the request for the provider, and whether it is the one
 * probe let through while sending is halted (io.arauto.send.SendBrake).
 */
public record Claimed(QueuedMessage message, TemplateBinding binding, TemplateMessage request, boolean probe) {

    /** The ledger's key of the message, sent along so a status report can be matched even without the provider's id. */
    public String key() {
        return String.valueOf(MessageLedger.key(message.campaignId(), message.row()));
    }

    /** Masked, without the cells or the rendered text: whatever prints it never shows a full number. */
    @Override
    public String toString() {
        return "Claimed[" + message + ", template=" + request.template() + (probe ? ", probe" : "") + "]";
    }
}
