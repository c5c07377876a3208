package io.arauto.ledger;

import java.time.Instant;
import java.util.List;

/** One line of a campaign's status report, as SPEC section 6 lists the columns. */
public record StatusLine(int row, String phone, String phoneE164, String status, String reason,
                         String errorCode, String messageId, Instant updatedAt, List<String> input) { }
