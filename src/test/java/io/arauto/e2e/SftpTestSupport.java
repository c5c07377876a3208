package io.arauto.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import io.arauto.support.EmbeddedSftpServer;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;

/** What the SFTP functional tests share: the app's settings for a test server, and ways to look at the server and at Meta's stand-in. */
final class SftpTestSupport {

    static final String MESSAGES = ArautoTestBase.MESSAGES;
    /** A pause shorter than this in an upload is not taken for its end (the default is 30s). */
    static final Duration SFTP_STABLE_FOR = Duration.ofMillis(1500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SftpTestSupport() { }

    /** Arauto on {@code dataDir}, sending to WireMock, taking files from {@code server} as its user; add the password or key. */
    static Map<String, String> properties(Path dataDir, EmbeddedSftpServer server, Path knownHosts) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("arauto.data-dir", dataDir.toString());
        p.put("arauto.templates-file", "src/test/resources/templates-test.yml");
        p.put("arauto.intake.stable-for", "300ms");
        p.put("arauto.intake.poll-delay", "200");
        p.put("arauto.reports.interval", "300ms");
        p.put("arauto.send.rate", "500");
        p.put("arauto.send.poll-interval", "100");
        p.put("arauto.provider.type", "cloud-api");
        p.put("arauto.provider.cloud-api.base-url", ArautoTestBase.CLOUD_API.baseUrl());
        p.put("arauto.provider.cloud-api.phone-number-id", ArautoTestBase.PHONE_NUMBER_ID);
        p.put("arauto.provider.cloud-api.access-token", ArautoTestBase.TOKEN);
        p.put("arauto.intake.sftp.enabled", "true");
        p.put("arauto.intake.sftp.host", EmbeddedSftpServer.HOST);
        p.put("arauto.intake.sftp.port", String.valueOf(server.port()));
        p.put("arauto.intake.sftp.username", EmbeddedSftpServer.USER);
        p.put("arauto.intake.sftp.known-hosts-file", knownHosts.toString());
        p.put("arauto.intake.sftp.stable-for", SFTP_STABLE_FOR.toMillis() + "ms");
        p.put("arauto.intake.sftp.poll-delay", "200ms");
        p.put("arauto.intake.sftp.backoff-multiplier", "2");
        p.put("arauto.intake.sftp.connect-timeout", "2s");
        p.put("arauto.intake.sftp.timeout", "8s");
        return p;
    }

    /** Waits for the file to leave the inbox for archive/&lt;template&gt;/&lt;base&gt;.&lt;campaign&gt;&lt;ext&gt; and returns the campaign. */
    static long awaitArchived(EmbeddedSftpServer server, String template, String base, String ext) {
        return awaitArchived(server, "/inbox", template, base, ext);
    }

    /** {@link #awaitArchived(EmbeddedSftpServer, String, String, String)} for an intake directory other than /inbox. */
    static long awaitArchived(EmbeddedSftpServer server, String directory, String template, String base, String ext) {
        String archived = await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (server.exists(directory + "/" + template + "/" + base + ext)) {
                return null;
            }
            return server.filesUnder(directory + "/archive/" + template).stream()
                    .filter(p -> p.matches(".*/" + Pattern.quote(base) + "\\.\\d+" + Pattern.quote(ext))).findFirst().orElse(null);
        }, p -> p != null);
        return Long.parseLong(archived.substring(archived.lastIndexOf('/') + base.length() + 2, archived.length() - ext.length()));
    }

    /** The Cloud API requests that went to {@code phone} (digits only), as JSON. */
    static List<JsonNode> requestsTo(String phone) {
        return ArautoTestBase.CLOUD_API.findAll(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(matchingJsonPath("$.to", equalTo(phone))))
                .stream().map(r -> {
                    try {
                        return JSON.readTree(r.getBodyAsString());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    static byte[] csv(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An XLSX whose cells are the given strings and numbers (Double); "" leaves a cell empty. */
    static byte[] workbook(Object[]... rows) throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = book.createSheet("Planilha");
            for (int r = 0; r < rows.length; r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < rows[r].length; c++) {
                    Object value = rows[r][c];
                    if (value instanceof Double d) {
                        row.createCell(c).setCellValue(d);
                    } else if (!"".equals(value)) {
                        row.createCell(c).setCellValue((String) value);
                    }
                }
            }
            book.write(out);
            return out.toByteArray();
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
