package io.arauto.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.arauto.config.ArautoProperties;
import io.arauto.intake.CampaignIntake;
import io.arauto.support.Exchanges;
import io.arauto.support.ShortNames;
import io.arauto.template.TemplateCatalog;

/**
 * A spreadsheet uploaded to {@code POST /api/campaigns}: kept on local disk under the data folder's
 * {@code uploads/} and handed to the api-campaign-upload route, which takes it through the same campaign
 * intake as a file dropped in {@code inbox/<template>/} (same checks, verdicts, ledger, status files and
 * audit; its campaign's source is {@code api}), then archives it in {@code archive/<template>/}.
 */
@Component
public class CampaignUploads {

    private static final Logger log = LoggerFactory.getLogger(CampaignUploads.class);

    private final ArautoProperties properties;
    private final TemplateCatalog templates;
    private final ProducerTemplate routes;

    public CampaignUploads(ArautoProperties properties, TemplateCatalog templates, ProducerTemplate routes) {
        this.properties = properties;
        this.templates = templates;
        this.routes = routes;
    }

    /**
     * What became of an upload: its campaign, and for a dry run what sending it would take (the campaign-intake route's
     * estimate: io.arauto.send.DryRunEstimates, whose type the API does not know and hands on as it is).
     */
    public record Taken(long campaignId, Object dryRunEstimate) { }

    /**
     * Takes the upload into its campaign, or refuses it with the reason ({@link ApiException}). A dry run goes in as a file
     * of {@code <template>/dry-run/} does: judged in full, its status files written, nothing of it sent, never the
     * duplicate of a later real upload.
     */
    public Taken take(InputStream content, String originalName, String template, String name, boolean dryRun) throws IOException {
        return take(content, originalName, template, name, dryRun, null);
    }

    /**
     * As {@link #take(InputStream, String, String, String, boolean)}, for a campaign none of whose messages is sent before
     * {@code sendAt} (null: at once); it is judged and in the ledger all the same when this returns.
     */
    public Taken take(InputStream content, String originalName, String template, String name, boolean dryRun, OffsetDateTime sendAt)
            throws IOException {
        if (template == null || template.isBlank() || !template.equals(Path.of(template).getFileName().toString())
                || template.startsWith(".")) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "'" + template + "' is not a template: the 'template' field "
                    + "must be one of " + String.join(", ", templates.names()) + ".");
        }
        TemplateCatalog.Lookup lookup = templates.find(template);
        if (lookup.template() == null) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, lookup.problem());
        }
        String fileName = fileName(originalName, name);
        Path dir = Files.createDirectories(properties.getDataDir().resolve("uploads")).resolve(UUID.randomUUID().toString());
        try {
            Path file = Files.createDirectories(dir).resolve(fileName);
            Files.copy(content, file);
            Exchange done = routes.send("direct:api-campaign-upload", exchange -> {
                exchange.getIn().setHeader(Exchanges.LOCAL_PATH, file.toAbsolutePath().toString());
                exchange.getIn().setHeader("CamelFileRelativePath",
                        template + "/" + (dryRun ? CampaignIntake.DRY_RUN_FOLDER + "/" : "") + fileName);
                exchange.getIn().setHeader(Exchanges.SOURCE, Exchanges.API);
                if (sendAt != null) {
                    exchange.getIn().setHeader(Exchanges.SEND_AT, sendAt);
                }
            });
            String rejection = done.getIn().getHeader(Exchanges.REJECTION, String.class);
            if (rejection != null) {
                throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, rejection);
            }
            if (done.getException() != null) { // the route's error handling answers every failure with a rejection
                log.warn("An upload failed unexpectedly ({})", done.getException().getClass().getName());
                throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "Arauto could not take the upload because of an unexpected "
                        + "error on its side; nothing of it will be sent. Send it again, and if it fails the same way, ask whoever runs Arauto.");
            }
            return new Taken(done.getIn().getHeader(Exchanges.CAMPAIGN_ID, Long.class), done.getIn().getHeader(Exchanges.DRY_RUN_ESTIMATE));
        } finally {
            deleteAll(dir);
        }
    }

    /** Moves an accepted upload to the archive, as the inbox's files are: {@code archive/<template>/<name>.<campaign-id>.<ext>}. */
    public void archive(String localPath, String archiveName) {
        Path target = properties.archiveDir().resolve(archiveName);
        try {
            Files.createDirectories(target.getParent());
            Files.move(Path.of(localPath), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // its campaign is in the ledger and goes out; only the archived copy is missing
            log.warn("The uploaded file of {} could not be archived in {}: {}", archiveName, properties.archiveDir(), e.toString());
        }
    }

    /**
     * The campaign's file name: the upload's own (its last path segment, as some browsers send a whole path), or {@code name}
     * with the upload's extension, which tells CSV from XLSX.
     */
    static String fileName(String originalName, String name) {
        String original = originalName == null ? "" : originalName.replace('\\', '/');
        original = original.substring(original.lastIndexOf('/') + 1).strip();
        int dot = original.lastIndexOf('.');
        String extension = dot > 0 ? original.substring(dot) : "";
        if (!extension.equalsIgnoreCase(".csv") && !extension.equalsIgnoreCase(".xlsx")) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "The uploaded file '" + original + "' is neither a .csv nor an .xlsx "
                    + "file; send the spreadsheet with its name ending in .csv or .xlsx.");
        }
        boolean named = name != null && !name.isBlank();
        String chosen = named ? name.strip() : original;
        if (chosen.contains("/") || chosen.contains("\\") || chosen.startsWith(".") || chosen.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "The campaign name '" + chosen + "' cannot be a file name: leave out "
                    + "slashes and control characters, and do not start it with a dot.");
        }
        if (named && !chosen.toLowerCase().endsWith(extension.toLowerCase())) {
            chosen = chosen + extension;
        }
        if (ShortNames.bytes(chosen) > 200) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "The campaign name is longer than 200 bytes; choose a shorter one.");
        }
        return chosen;
    }

    private static void deleteAll(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("An upload's folder {} could not be removed: {}", dir, e.toString());
        }
    }
}
