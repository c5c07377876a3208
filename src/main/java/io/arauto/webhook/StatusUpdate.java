package io.arauto.webhook;

import java.time.Instant;

import io.arauto.verdict.MessageStatus;

/**
 * A provider's word on a message it took: delivered, read, failed... by its id ({@code messageId},
 * the wamid) or the ledger's key Meta hands back ({@code key}, from {@code biz_opaque_callback_data});
 * {@code code}/{@code reason} for failures, {@code recipient} (E.164) when the report names it.
 */
public record StatusUpdate(String messageId, Long key, MessageStatus status, Instant at, String code, String reason, String recipient) {

    /** A report by the provider's id alone. */
    public StatusUpdate(String messageId, MessageStatus status, Instant at, String code, String reason) {
        this(messageId, null, status, at, code, reason, null);
    }
}
