package io.arauto.api;

import java.time.Instant;

/** A campaign in the listing: enough to pick it; {@code GET /api/campaigns/{id}} has the rest. */
public record CampaignSummary(long id, String name, String template, String source, String status, int totalRows,
                              Instant createdAt, Instant settledAt) { }
