package io.arauto.send;

import java.time.Instant;

import io.arauto.verdict.MessageStatus;

/** A provider's word on a message it took: delivered, read, failed... {@code code}/{@code reason} for failures. */
public record StatusUpdate(String messageId, MessageStatus status, Instant at, String code, String reason) { }
