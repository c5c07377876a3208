package io.arauto.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.arauto.config.ArautoProperties;

/**
 * Append-only audit trail (SPEC section 6): one JSON object per line in
 * {@code audit/audit-YYYY-MM-DD.jsonl}, the date being the event's UTC date, and the same line in
 * the ledger's {@code audit} table. Details may hold full
 * phone numbers: this is the protected compliance record (LGPD), unlike the logs, which mask them.
 */
@Component
public class AuditLog implements Closeable {

    private static final Set<String> OWN_FIELDS = Set.of("at", "event", "campaign_id");
    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Clock clock;
    private final ObjectWriter json;
    private final JdbcTemplate ledger;
    private LocalDate openDate;
    private OutputStream out;

    /** Writes the file only; for tests and tools without a ledger. */
    public AuditLog(ArautoProperties properties, ObjectMapper mapper, Clock clock) {
        this(properties, mapper, clock, null);
    }

    /** Writes every event to the file and to the ledger's audit table. */
    @Autowired
    public AuditLog(ArautoProperties properties, ObjectMapper mapper, Clock clock, @Nullable JdbcTemplate ledger) {
        this.ledger = ledger;
        this.dir = properties.auditDir();
        this.clock = clock;
        this.json = mapper.writer().without(SerializationFeature.INDENT_OUTPUT); // one line per event, whatever the app's Jackson settings
    }

    /**
     * Appends one event. {@code details} add fields after {@code at}, {@code event} and
     * {@code campaign_id}, which they may not override.
     */
    public void record(AuditEvent event, Long campaignId, Map<String, Object> details) {
        Instant now = clock.instant();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("at", AT.format(now));
        fields.put("event", event.wire());
        fields.put("campaign_id", campaignId);
        if (details != null) {
            details.forEach((name, value) -> {
                if (OWN_FIELDS.contains(name)) {
                    throw new IllegalArgumentException("Audit detail '" + name + "' would override a fixed field");
                }
                fields.put(name, value);
            });
        }
        byte[] line = toJsonLine(event, fields);
        // the ledger first: an event the ledger refused is written again by its caller, and must not show twice in the file
        if (ledger != null) { // outside the file's lock: senders don't queue behind each other's database round trip
            ledger.update("insert into audit (at, event, campaign_id, detail) values (?, ?, ?, ?)",
                    Timestamp.from(now), event.wire(), campaignId, new String(line, 0, line.length - 1, UTF_8));
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // recorded as part of a ledger transaction: the file gets the line once that transaction is committed, never before
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    append(event, now, line);
                }
            });
        } else {
            append(event, now, line);
        }
    }

    private synchronized void append(AuditEvent event, Instant now, byte[] line) {
        try {
            // One write per line, so other processes appending to the same file cannot interleave inside it.
            streamFor(now.atOffset(ZoneOffset.UTC).toLocalDate()).write(line);
            out.flush();
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("Could not write audit event " + event.wire() + " to " + dir, e);
            try {
                close(); // reopen on the next event rather than keep a broken stream
            } catch (IOException closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
    }

    private byte[] toJsonLine(AuditEvent event, Map<String, Object> fields) {
        try {
            return (json.writeValueAsString(fields) + "\n").getBytes(UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Audit event " + event.wire() + " has details that are not JSON", e);
        }
    }

    /** The file named after {@code date}, rolling over when the UTC date changes. */
    private OutputStream streamFor(LocalDate date) throws IOException {
        if (out == null || !date.equals(openDate)) {
            close();
            Files.createDirectories(dir);
            out = Files.newOutputStream(dir.resolve("audit-" + date + ".jsonl"), CREATE, APPEND, WRITE);
            openDate = date;
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        OutputStream open = out;
        out = null;
        openDate = null;
        if (open != null) {
            open.close();
        }
    }
}
