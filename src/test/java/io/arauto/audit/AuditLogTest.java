package io.arauto.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.arauto.config.ArautoProperties;
import io.arauto.support.SettableClock;

class AuditLogTest {

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T01:19:45.123Z"));
    private AuditLog audit;

    @BeforeEach
    void open() {
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        audit = new AuditLog(properties, mapper, clock);
    }

    @AfterEach
    void close() throws IOException {
        audit.close();
    }

    @Test
    void eventsOfOneDayAreLinesOfOneFile() throws IOException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("file", "clientes.csv");
        details.put("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        audit.record(AuditEvent.FILE_RECEIVED, null, details);
        clock.set(Instant.parse("2026-11-22T23:59:59.999Z"));
        audit.record(AuditEvent.CAMPAIGN_CREATED, 42L, Map.of("queued", 1000, "invalid", 3));

        List<String> lines = Files.readAllLines(dataDir.resolve("audit/audit-2026-11-22.jsonl"), UTF_8);
        assertEquals(2, lines.size());
        assertEquals("{\"at\":\"2026-11-22T01:19:45.123Z\",\"event\":\"file_received\",\"campaign_id\":null,"
                + "\"file\":\"clientes.csv\",\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
                lines.get(0));
        JsonNode second = mapper.readTree(lines.get(1));
        assertEquals("2026-11-22T23:59:59.999Z", second.get("at").asText());
        assertEquals("campaign_created", second.get("event").asText());
        assertEquals(42, second.get("campaign_id").asLong());
        assertEquals(1000, second.get("queued").asInt());
        assertEquals(3, second.get("invalid").asInt());
    }

    @Test
    void theNextUtcDayStartsTheNextFile() throws IOException {
        audit.record(AuditEvent.MESSAGE_SENT, 42L, Map.of("phone", "+5511987654321"));
        clock.set(Instant.parse("2026-11-23T00:00:00Z"));
        audit.record(AuditEvent.STATUS_RECEIVED, 42L, Map.of("status", "READ"));

        List<String> first = Files.readAllLines(dataDir.resolve("audit/audit-2026-11-22.jsonl"), UTF_8);
        List<String> next = Files.readAllLines(dataDir.resolve("audit/audit-2026-11-23.jsonl"), UTF_8);
        assertEquals(1, first.size());
        assertEquals("message_sent", mapper.readTree(first.get(0)).get("event").asText());
        assertEquals(1, next.size());
        assertEquals("2026-11-23T00:00:00.000Z", mapper.readTree(next.get(0)).get("at").asText());
    }

    @Test
    void appendsToWhatAnEarlierRunWrote() throws IOException {
        audit.record(AuditEvent.FILE_RECEIVED, null, Map.of());
        audit.close();
        ArautoProperties properties = new ArautoProperties();
        properties.setDataDir(dataDir);
        audit = new AuditLog(properties, mapper, Clock.fixed(clock.instant(), ZoneOffset.UTC));
        audit.record(AuditEvent.FILE_REJECTED, null, Map.of("reason", "No phone column"));

        assertEquals(2, Files.readAllLines(dataDir.resolve("audit/audit-2026-11-22.jsonl"), UTF_8).size());
    }

    @Test
    void detailsCannotOverrideTheFixedFields() {
        assertThrows(IllegalArgumentException.class, () -> audit.record(AuditEvent.OPT_OUT_RECORDED, 1L, Map.of("at", "x")));
    }

    @Test
    void concurrentEventsStayWholeLines() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        String padding = "ç".repeat(300); // lines longer than a small buffer, multi-byte characters
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    audit.record(AuditEvent.STATUS_RECEIVED, (long) thread, Map.of("seq", i, "padding", padding));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> lines = Files.readAllLines(dataDir.resolve("audit/audit-2026-11-22.jsonl"), UTF_8);
        assertEquals(threads * perThread, lines.size());
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            JsonNode node = mapper.readTree(line);
            assertEquals(padding, node.get("padding").asText());
            assertTrue(seen.add(node.get("campaign_id").asLong() + "/" + node.get("seq").asInt()), line);
        }
    }
}
