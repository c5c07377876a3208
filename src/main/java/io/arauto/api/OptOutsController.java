package io.arauto.api;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.arauto.config.ArautoProperties;
import io.arauto.optout.OptOutList;
import io.arauto.optout.OptOutSource;
import io.arauto.verdict.PhoneNormalizer;

/**
 * Arauto's own opt-out list over HTTP: list it, add or remove a number (source {@code operator}), and take or give the whole
 * list as CSV. A number on the CRM's list stays out whatever is done here.
 */
@RestController
@RequestMapping("/api")
@SecurityRequirement(name = ApiConfig.BEARER)
public class OptOutsController {

    private final OptOutList optOuts;
    private final OptOutCsv csv;
    private final PhoneNormalizer phones;
    private final ArautoProperties properties;
    private final Clock clock;

    public OptOutsController(OptOutList optOuts, OptOutCsv csv, PhoneNormalizer phones, ArautoProperties properties, Clock clock) {
        this.optOuts = optOuts;
        this.csv = csv;
        this.phones = phones;
        this.properties = properties;
        this.clock = clock;
    }

    @Operation(summary = "Lists Arauto's opt-out list, newest first, a page at a time; 'phone' shows only that number's entry")
    @GetMapping("/opt-outs")
    public Page<OptOutView> list(@RequestParam(value = "phone", required = false) String phone,
                                 @RequestParam(value = "page", required = false) Integer page,
                                 @RequestParam(value = "size", required = false) Integer size) {
        int[] ps = Page.of(page, size, properties.getApi().getPageSize());
        String e164 = phone == null || phone.isBlank() ? null : e164(phone);
        List<OptOutView> items = optOuts.entries(e164, ps[0] * ps[1], ps[1]).stream()
                .map(e -> new OptOutView(e.phone(), e.source(), e.detail(), e.at())).toList();
        return new Page<>(items, ps[0], ps[1], optOuts.countEntries(e164));
    }

    public record OptedOut(String phone, boolean added, String message) { }

    @Operation(summary = "Opts a number out (source 'operator'): its queued messages in every campaign are stopped at once")
    @PostMapping("/opt-outs/{phone}")
    public ResponseEntity<OptedOut> optOut(@PathVariable("phone") String phone,
                                           @RequestParam(value = "detail", required = false) String detail) {
        PhoneNormalizer.Result number = phones.normalize(phone);
        if (!number.valid()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, number.problem() + " Write it in E.164 (+5511987654321) or as the "
                    + "spreadsheets do.");
        }
        boolean added = optOuts.optOut(number.e164(), OptOutSource.OPERATOR,
                detail == null || detail.isBlank() ? "added through the REST API" : detail, clock.instant());
        return ResponseEntity.status(added ? HttpStatus.CREATED : HttpStatus.OK).body(new OptedOut(number.e164(), added, added
                ? "Opted out: nothing more is sent to this number."
                : "The number was already on Arauto's opt-out list; nothing more is sent to it."));
    }

    @Operation(summary = "Takes a number off Arauto's opt-out list (opt-in, source 'operator')")
    @DeleteMapping("/opt-outs/{phone}")
    public OptedOut optIn(@PathVariable("phone") String phone) {
        String e164 = e164(phone);
        if (!optOuts.optIn(e164, OptOutSource.OPERATOR, clock.instant())) {
            throw new ApiException(HttpStatus.NOT_FOUND, e164 + " is not on Arauto's opt-out list, so there is nothing to remove "
                    + "(a number the CRM's opt-out list holds is changed in the CRM).");
        }
        return new OptedOut(e164, false, "Taken off Arauto's opt-out list; it can be messaged again unless the CRM's list holds it.");
    }

    @Operation(summary = "The whole opt-out list as CSV: phone,source,at")
    @GetMapping("/opt-outs.csv")
    public ResponseEntity<byte[]> export() {
        List<OptOutCsvLine> lines = new ArrayList<>();
        optOuts.forEachEntry(e -> lines.add(new OptOutCsvLine(e.phone(), e.source(), e.at().toString())));
        return ResponseEntity.ok().contentType(CampaignsController.CSV)
                .header("Content-Disposition", "attachment; filename=\"opt-outs.csv\"").body(csv.write(lines));
    }

    public record Imported(int added, int alreadyListed, List<Refused> refused) { }

    /** A line of an imported CSV that was not taken, and why. */
    public record Refused(int line, String reason) { }

    @Operation(summary = "Adds every number of a CSV (phone,source,at with a header line, as GET /api/opt-outs.csv gives) to the "
            + "opt-out list; a line that cannot be read is refused on its own")
    @PostMapping(value = "/opt-outs.csv", consumes = {"text/csv", "text/plain", "application/octet-stream"})
    public Imported importCsv(InputStream body) throws IOException {
        List<OptOutCsvLine> lines = csv.read(body);
        int added = 0;
        int already = 0;
        List<Refused> refused = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < lines.size(); i++) {
            OptOutCsvLine line = lines.get(i);
            int lineNumber = i + 2; // the header is line 1
            PhoneNormalizer.Result number = phones.normalize(line.getPhone());
            if (!number.valid()) {
                refused.add(new Refused(lineNumber, number.problem()));
                continue;
            }
            String wire = line.getSource() == null || line.getSource().isBlank() ? OptOutSource.OPERATOR.wire() : line.getSource();
            OptOutSource source = OptOutSource.ofWire(wire);
            if (source == null) {
                refused.add(new Refused(lineNumber, "The source '" + wire + "' is not one Arauto knows; use one of "
                        + java.util.Arrays.stream(OptOutSource.values()).map(OptOutSource::wire).toList() + ", or leave it empty for operator."));
                continue;
            }
            Instant at;
            try {
                at = line.getAt() == null || line.getAt().isBlank() ? now : Instant.parse(line.getAt());
            } catch (DateTimeParseException e) {
                refused.add(new Refused(lineNumber, "The time '" + line.getAt() + "' is not an ISO-8601 instant such as "
                        + "2026-11-29T14:30:00Z; fix it or leave it empty for now."));
                continue;
            }
            if (optOuts.optOut(number.e164(), source, "imported through POST /api/opt-outs.csv", at)) {
                added++;
            } else {
                already++;
            }
        }
        return new Imported(added, already, refused);
    }

    /** A number as the list keeps it, for finding it there (no validity check: an entry may be any number). */
    private String e164(String phone) {
        String e164 = phones.canonical(phone);
        if (e164 == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "'" + phone + "' is not a phone number; write it in E.164 (+5511987654321).");
        }
        return e164;
    }
}
