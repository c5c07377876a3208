package io.arauto.api;

import java.time.Instant;
import java.util.Map;

/**
 * A campaign as the API shows it: where it came from, its file's SHA-256, its state, its messages counted per status,
 * its progress, and when it was created, read, settled and archived; {@code sendAt}: the upload's send-at, before which nothing
 * of it is sent (null without one).
 */
public record CampaignView(long id, String name, String template, String source, String sourceFile, String sha256, String status,
                           String pausedReason, Instant sendAt, int totalRows, Map<String, Integer> counts, Progress progress,
                           Instant createdAt, Instant readAt, Instant settledAt, Instant archivedAt) {

    /**
     * How far it is: of its rows, how many still wait to be sent or are being sent (QUEUED, SENDING), how many are
     * finished (any other status), and the finished ones as a whole percentage.
     */
    public record Progress(int rows, int waiting, int finished, int percent) { }
}
