package io.arauto.ledger;

import java.time.Instant;
import java.util.List;

/** A campaign as the ledger holds it; {@code archivedAt} is null until its file left the source's inbox. */
public record Campaign(long id, String name, String template, String source, String sourceFile, String sha256,
                       List<String> inputHeader, CampaignStatus status, int totalRows,
                       Instant createdAt, Instant readAt, Instant settledAt, Instant archivedAt) { }
