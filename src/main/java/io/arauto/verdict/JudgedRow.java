package io.arauto.verdict;

import java.util.List;

/** A row with its verdict: {@code e164} when the phone was valid, {@code reason} unless QUEUED (a dry run's QUEUED rows: the text they would send). */
public record JudgedRow(int row, String phone, String e164, MessageStatus status, String reason, List<String> cells) { }
