package io.arauto.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

/**
 * A campaign file for template {@code pedido_enviado} (columns telefone, nome, pedido, entrega, as in
 * {@code samples/pedido_enviado/pedidos-exemplo.csv}) with distinct valid BR mobile numbers written
 * {@code +55 11 9xxxx-xxxx}, and its status file as Arauto writes it in the outbox.
 */
public final class CampaignFile {

    public static final String TEMPLATE = "pedido_enviado";

    private final String name;
    /** Row number (the header is row 1) to the recipient as the Cloud API request names it: E.164 without '+'. */
    private final Map<Integer, String> recipients = new HashMap<>();
    private final List<String> lines = new ArrayList<>();

    private CampaignFile(String name) {
        this.name = name;
    }

    /** {@code rows} distinct numbers in the 11 9xxxx-xxxx range, drawn from {@code random}. */
    public static CampaignFile generate(String name, int rows, Random random) {
        CampaignFile file = new CampaignFile(name);
        Set<Integer> suffixes = new LinkedHashSet<>();
        while (suffixes.size() < rows) {
            suffixes.add(random.nextInt(100_000_000));
        }
        file.lines.add("telefone,nome,pedido,entrega");
        int row = 2;
        for (int suffix : suffixes) {
            String digits = String.format("%08d", suffix);
            file.lines.add("+55 11 9" + digits.substring(0, 4) + "-" + digits.substring(4) + ",Cliente " + row + ",P-" + row
                    + "," + (1 + row % 28) + "/12/2026");
            file.recipients.put(row, "55119" + digits);
            row++;
        }
        return file;
    }

    /**
     * The rows of a campaign that came from elsewhere than a file (a schedule's audience): row number to recipient (E.164
     * without '+'), for {@link AtMostOnce}; nothing to drop.
     */
    public static CampaignFile of(String name, Map<Integer, String> recipients) {
        CampaignFile rows = new CampaignFile(name);
        rows.recipients.putAll(recipients);
        return rows;
    }

    public String name() {
        return name;
    }

    public int rows() {
        return recipients.size();
    }

    /** Row number to recipient (E.164 without '+'). */
    public Map<Integer, String> recipients() {
        return recipients;
    }

    /**
     * Drops the file into {@code <dataDir>/inbox/pedido_enviado/} as a careful user does: written under a
     * hidden temporary name in the same folder (never taken), then renamed in one step.
     */
    public Path drop(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("inbox").resolve(TEMPLATE);
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        return Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The campaign's status files in the outbox ({@code <name>.<campaign>.status.csv}); more than one means more than one campaign. */
    public List<Path> statusFiles(Path dataDir) {
        Path outbox = dataDir.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        String base = name.substring(0, name.lastIndexOf('.')) + ".";
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(base) && n.endsWith(".status.csv") && n.substring(base.length()).matches("\\d+\\.status\\.csv");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one status file of this campaign, read; null while there is none. */
    public StatusFile status(Path dataDir) {
        List<Path> files = statusFiles(dataDir);
        if (files.size() > 1) {
            throw new AssertionError("More than one campaign was made of " + name + ": " + files);
        }
        return files.isEmpty() ? null : StatusFile.read(files.get(0));
    }

    /** One line of a status file: the columns of {@code StatusReportWriter.COLUMNS} that the tests look at. */
    public record StatusRow(int row, String phone, String e164, String status, String reason, String errorCode, String messageId) {
        /** The recipient as the Cloud API request names it. */
        public String recipient() {
            return e164 == null || e164.isEmpty() ? "" : e164.replaceFirst("^'?\\+", "");
        }
    }

    /** A status file as read at one moment (Arauto replaces it whole, so a reader never sees half of one). */
    public record StatusFile(Path path, List<StatusRow> rows) {

        static StatusFile read(Path path) {
            List<StatusRow> rows = new ArrayList<>();
            try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).ofCsvRecord(path)) {
                boolean header = true;
                for (CsvRecord record : reader) {
                    if (header) {
                        List<String> columns = record.getFields().subList(0, 8);
                        if (!columns.equals(List.of("row", "phone", "phone_e164", "status", "reason", "error_code", "message_id", "updated_at"))) {
                            throw new AssertionError("Unexpected status file columns in " + path + ": " + record.getFields());
                        }
                        header = false;
                        continue;
                    }
                    rows.add(new StatusRow(Integer.parseInt(record.getField(0)), record.getField(1), record.getField(2),
                            record.getField(3), record.getField(4), record.getField(5), record.getField(6)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new StatusFile(path, rows);
        }

        public long count(String status) {
            return rows.stream().filter(r -> r.status().equals(status)).count();
        }

        /** Every row of the file is there and none is QUEUED or SENDING any more. */
        public boolean settled(int expectedRows) {
            return rows.size() == expectedRows && rows.stream().noneMatch(r -> r.status().equals("QUEUED") || r.status().equals("SENDING"));
        }

        public Map<String, Long> counts() {
            Map<String, Long> counts = new java.util.TreeMap<>();
            rows.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
            return counts;
        }
    }
}
