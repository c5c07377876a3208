package io.arauto.api;

import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.arauto.config.ArautoProperties;
import io.arauto.ledger.Campaign;
import io.arauto.ledger.CampaignLedger;
import io.arauto.ledger.CampaignStatus;
import io.arauto.report.CampaignReporter;
import io.arauto.verdict.MessageStatus;

/** Campaigns over HTTP: upload one, follow it, fetch its status files, and cancel, pause, resume or requeue it. */
@RestController
@RequestMapping("/api/campaigns")
@SecurityRequirement(name = ApiConfig.BEARER)
public class CampaignsController {

    static final MediaType XLSX = MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final CampaignUploads uploads;
    private final CampaignControls controls;
    private final CampaignLedger campaigns;
    private final CampaignReporter reports;
    private final ArautoProperties properties;
    private final Clock clock;

    public CampaignsController(CampaignUploads uploads, CampaignControls controls, CampaignLedger campaigns, CampaignReporter reports,
                               ArautoProperties properties, Clock clock) {
        this.clock = clock;
        this.uploads = uploads;
        this.controls = controls;
        this.campaigns = campaigns;
        this.reports = reports;
        this.properties = properties;
    }

    /**
     * A campaign just created: for a dry run ({@code status} DRY_RUN) also what sending it would take now, its share of the
     * daily tier and when it would finish ({@code dryRun}; absent otherwise).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Created(long id, String status, Map<String, Integer> counts,
                          @Schema(description = "Uploads with send-at only: nothing of the campaign is sent before this time") Instant sendAt,
                          @Schema(description = "Dry runs only: messages, newRecipients, dailyLimit, usedToday, leftToday, wouldUse, "
                                  + "wouldWait, tierFreesAt, rate, messagesAhead, wouldFinishAt, sendWindow and summary, a sentence "
                                  + "saying it all") Object dryRun) { }

    @Operation(summary = "Starts a campaign from a spreadsheet (CSV or XLSX), judged like a file dropped in inbox/<template>/; "
            + "answers once every row is in the ledger. With dry-run=true it is judged in full and gets its status files, but "
            + "nothing is sent (status DRY_RUN) and the answer says how much of the daily tier it would use and when it would finish. "
            + "With send-at (ISO-8601 with its offset, e.g. 2026-12-01T08:00:00-03:00, still ahead) it is judged and stored at once, "
            + "but nothing of it is sent before that time")
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<Created> upload(@RequestPart("file") MultipartFile file, @RequestParam("template") String template,
                                          @RequestParam(value = "name", required = false) String name,
                                          @RequestParam(value = "send-at", required = false) String sendAt,
                                          @RequestParam(value = "dry-run", required = false) String dryRun) throws IOException {
        boolean dry = dryRun != null && !dryRun.isBlank() && !dryRun.strip().equalsIgnoreCase("false");
        if (dry && !dryRun.strip().equalsIgnoreCase("true")) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "'dry-run' is '" + dryRun + "': it is true (judge the file and "
                    + "write its status files, send nothing) or false (a real campaign, the default).");
        }
        OffsetDateTime at = sendAt(sendAt, dry);
        CampaignUploads.Taken taken;
        try (var content = file.getInputStream()) {
            taken = uploads.take(content, file.getOriginalFilename(), template, name, dry, at);
        }
        long id = taken.campaignId();
        Campaign campaign = campaigns.find(id).orElseThrow(() -> ApiException.noCampaign(id));
        return ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/api/campaigns/" + id)
                .body(new Created(id, campaign.status().name(), counts(id), campaigns.sendAt(id).orElse(null), taken.dryRunEstimate()));
    }

    /**
     * The upload's send-at: an ISO-8601 date and time with its offset, still ahead; null when there is none. A dry run sends
     * nothing, so it has none.
     */
    private OffsetDateTime sendAt(String sendAt, boolean dryRun) {
        if (sendAt == null || sendAt.isBlank()) {
            return null;
        }
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(sendAt.strip());
        } catch (DateTimeParseException e) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "'send-at' is '" + sendAt + "', which is not a date and time with "
                    + "its offset: write it as ISO-8601, for example 2026-12-01T08:00:00-03:00 (or ...Z for UTC).");
        }
        if (dryRun) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "A dry run sends nothing, so it takes no 'send-at': leave out one "
                    + "of 'send-at' and 'dry-run'.");
        }
        if (!at.toInstant().isAfter(clock.instant())) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "'send-at' " + sendAt.strip() + " is already past (it is now "
                    + clock.instant().atOffset(at.getOffset()).withNano(0) + " there): give a time still ahead, or leave 'send-at' out "
                    + "to send at once.");
        }
        return at;
    }

    @Operation(summary = "Lists the campaigns, newest first, a page at a time")
    @GetMapping
    public Page<CampaignSummary> list(@RequestParam(value = "page", required = false) Integer page,
                                      @RequestParam(value = "size", required = false) Integer size) {
        int[] ps = Page.of(page, size, properties.getApi().getPageSize());
        List<CampaignSummary> items = campaigns.page(ps[0] * ps[1], ps[1]).stream()
                .map(c -> new CampaignSummary(c.id(), c.name(), c.template(), c.source(), c.status().name(), c.totalRows(),
                        c.createdAt(), c.settledAt()))
                .toList();
        return new Page<>(items, ps[0], ps[1], campaigns.count());
    }

    @Operation(summary = "One campaign: its messages counted per status, progress, source, file SHA-256 and times, and its send-at when it has one")
    @GetMapping("/{id}")
    public CampaignView get(@PathVariable("id") long id) {
        Campaign c = campaign(id);
        Map<String, Integer> counts = counts(id);
        int rows = counts.values().stream().mapToInt(Integer::intValue).sum();
        // a dry run's QUEUED rows are verdicts, not messages on their way
        int waiting = c.status() == CampaignStatus.DRY_RUN ? 0
                : counts.getOrDefault(MessageStatus.QUEUED.name(), 0) + counts.getOrDefault(MessageStatus.SENDING.name(), 0);
        int percent = rows == 0 ? 100 : (int) ((rows - waiting) * 100L / rows);
        return new CampaignView(c.id(), c.name(), c.template(), c.source(), c.sourceFile(), c.sha256(), c.status().name(),
                campaigns.pausedReason(id).orElse(null), campaigns.sendAt(id).orElse(null), c.totalRows(), counts,
                new CampaignView.Progress(rows, waiting, rows - waiting, percent),
                c.createdAt(), c.readAt(), c.settledAt(), c.archivedAt());
    }

    @Operation(summary = "The campaign's status file as CSV, as last written in the outbox")
    @GetMapping("/{id}/report.csv")
    public ResponseEntity<FileSystemResource> reportCsv(@PathVariable("id") long id) {
        return report(campaign(id), "csv", CSV);
    }

    @Operation(summary = "The campaign's status file as XLSX, as last written in the outbox")
    @GetMapping("/{id}/report.xlsx")
    public ResponseEntity<FileSystemResource> reportXlsx(@PathVariable("id") long id) {
        return report(campaign(id), "xlsx", XLSX);
    }

    public record Changed(long id, String status, String message) { }

    @Operation(summary = "Cancels a campaign: its QUEUED messages become CANCELLED; those being sent finish")
    @PostMapping("/{id}/cancel")
    public Changed cancel(@PathVariable("id") long id) {
        Campaign c = campaign(id);
        int cancelled = controls.cancel(id)
                .orElseThrow(() -> notNow(c, "cancelled", "only a campaign still sending (ACTIVE or PAUSED) can be"));
        return changed(id, cancelled + " queued messages cancelled; messages already on their way finish and keep their outcome.");
    }

    @Operation(summary = "Pauses an ACTIVE campaign: nothing more of it is sent until it is resumed")
    @PostMapping("/{id}/pause")
    public Changed pause(@PathVariable("id") long id) {
        Campaign c = campaign(id);
        int held = controls.pause(id).orElseThrow(() -> notNow(c, "paused", "only an ACTIVE campaign can be"));
        return changed(id, "Paused: nothing more of it is sent (" + held + " queued messages wait; those already on their way finish) "
                + "until POST /api/campaigns/" + id + "/resume.");
    }

    @Operation(summary = "Resumes a PAUSED campaign")
    @PostMapping("/{id}/resume")
    public Changed resume(@PathVariable("id") long id) {
        Campaign c = campaign(id);
        int released = controls.resume(id).orElseThrow(() -> notNow(c, "resumed", "only a PAUSED campaign can be"));
        return changed(id, "Resumed: its " + released + " queued messages go out again.");
    }

    @Operation(summary = "Queues the campaign's UNCERTAIN messages again (they may have arrived: this can message a number twice)")
    @PostMapping("/{id}/requeue-uncertain")
    public Changed requeueUncertain(@PathVariable("id") long id) {
        Campaign c = campaign(id);
        if (c.status() != CampaignStatus.ACTIVE && c.status() != CampaignStatus.PAUSED && c.status() != CampaignStatus.DONE) {
            throw notNow(c, "requeued", "a cancelled or rejected campaign sends nothing more, and one still being read has none");
        }
        int requeued = controls.requeueUncertain(id);
        return changed(id, requeued + " uncertain messages queued again.");
    }

    private Changed changed(long id, String message) {
        return new Changed(id, campaign(id).status().name(), message);
    }

    private Campaign campaign(long id) {
        return campaigns.find(id).orElseThrow(() -> ApiException.noCampaign(id));
    }

    private Map<String, Integer> counts(long id) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        campaigns.counts(id).forEach((status, n) -> counts.put(status.name(), n));
        return counts;
    }

    private static ApiException notNow(Campaign c, String what, String rule) {
        String state = switch (c.status()) {
            case DONE, CANCELLED, REJECTED -> "already settled (" + c.status() + ")";
            case DRY_RUN -> "a dry run (DRY_RUN), which sends nothing";
            default -> c.status().name();
        };
        return new ApiException(HttpStatus.CONFLICT, "Campaign " + c.id() + " is " + state + ", so it cannot be " + what + ": " + rule + ".");
    }

    private ResponseEntity<FileSystemResource> report(Campaign c, String extension, MediaType type) {
        File file = reports.statusFile(c, extension);
        if (c.status() == CampaignStatus.REJECTED || c.status() == CampaignStatus.READING || !file.isFile()) {
            throw new ApiException(HttpStatus.NOT_FOUND, c.status() == CampaignStatus.REJECTED
                    ? "Campaign " + c.id() + " was rejected, so it has no status file; GET /api/campaigns/" + c.id() + " shows it."
                    : "The status file of campaign " + c.id() + " is not written yet; it is within " + properties.getReports().getInterval()
                    .toSeconds() + " s of its rows being read. Ask again shortly.");
        }
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file.getName(),
                        java.nio.charset.StandardCharsets.UTF_8).build().toString())
                .body(new FileSystemResource(file));
    }
}
